//! What the framework examples share, so each example's `main.rs` shows
//! only its framework's wiring: the sample user, the signer (with the demo
//! key when `HELPSCOUT_BEACON_SECRET` is unset), the port, and the CSP nonce
//! and header of each response.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use helpscout_beacon::{SECRET_ENV_VAR, Signer};
use serde::Serialize;

/// Only for trying the example: Beacon rejects signatures made with it.
pub const DEMO_SECRET: &str = "demo-secret-not-for-production";

/// The app's own user record. The filter reads Beacon's fields (`email`,
/// `name`, `company`, `job_title`, …) and ignores every other one, so the
/// whole record can go into the template: `password_hash` never reaches the
/// page.
#[derive(Serialize)]
pub struct User {
    /// The app's own key; not Beacon's, never read.
    pub id: u64,
    /// Signed and sent to Beacon as it is.
    pub email: &'static str,
    /// Sent as `name`.
    pub name: &'static str,
    /// Sent as `company`.
    pub company: &'static str,
    /// Sent as `jobTitle`.
    pub job_title: &'static str,
    /// Must never reach the page; the tests check it does not.
    pub password_hash: &'static str,
}

/// Stands in for the session lookup of a real app.
#[must_use]
pub fn signed_in_user() -> User {
    User {
        id: 42,
        email: "jane.doe@example.com",
        name: "Jane O'Doe",
        company: "Acme & Co",
        job_title: "CTO",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$never-on-the-page",
    }
}

/// The signer for `HELPSCOUT_BEACON_SECRET`, made once at startup. When the
/// variable is unset: the embedded demo key, and a notice on stderr. When it
/// is set but unusable (empty, padded with whitespace): an error, never a
/// silent fallback to the demo key.
///
/// # Errors
///
/// The core's error when `HELPSCOUT_BEACON_SECRET` is set but empty, padded
/// with whitespace or not Unicode.
pub fn signer() -> Result<Signer, helpscout_beacon::Error> {
    if std::env::var_os(SECRET_ENV_VAR).is_some() {
        return Signer::from_env();
    }
    eprintln!(
        "note: {SECRET_ENV_VAR} is not set, so this signs with the embedded demo key; \
         Beacon will reject these signatures. Set {SECRET_ENV_VAR} to your Beacon's \
         Secure Mode secret to get real ones."
    );
    Signer::new(DEMO_SECRET)
}

/// The port from the first argument, else `PORT`, else 3000.
///
/// # Errors
///
/// A message naming the value when it is not a port number.
pub fn port() -> Result<u16, String> {
    match std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok())
    {
        None => Ok(3000),
        Some(port) => port.parse().map_err(|_| format!("not a port: {port:?}")),
    }
}

/// 16 random bytes from the OS, as unpadded base64url. CSP accepts either
/// base64 alphabet; this one has no `/`, `+` or `=`, which HTML autoescaping
/// would turn into entities in the loader's `nonce="…"` attribute.
///
/// # Errors
///
/// The OS's error when it has no random bytes to give.
pub fn csp_nonce() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Only scripts carrying this response's nonce, and the Beacon script that
/// the loader inserts from beacon-v2.helpscout.net, may run; no
/// `'unsafe-inline'`. There is no `default-src`, so Beacon's API calls,
/// styles, fonts, images and frames are not restricted: a policy that adds
/// `default-src` must allow the hosts in Help Scout's "CSP Settings for
/// Beacon" article (connect-src beaconapi.helpscout.net, chatapi.helpscout.net,
/// wss://*.pusher.com, …). That article's strict-CSP recipe also allows
/// `'unsafe-eval'`: add it if the browser console reports Beacon's eval blocked.
#[must_use]
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "script-src 'nonce-{nonce}' https://beacon-v2.helpscout.net; \
         object-src 'none'; base-uri 'none'"
    )
}
