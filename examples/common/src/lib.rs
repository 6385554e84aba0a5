//! What the framework examples share, so each example's `main.rs` shows
//! only its framework's wiring: the sample user, the Beacon (its ID from
//! `HELPSCOUT_BEACON_ID` and its signer from `HELPSCOUT_BEACON_SECRET`, each
//! with a demo fallback and a notice on stderr when unset) and the port.
//!
//! The CSP nonce and header of each response come from the core:
//! `helpscout_beacon::csp::Nonce::generate()` and
//! `helpscout_beacon::csp::header_value(&nonce)`; the loader, `init` and
//! the identify call from the one `beacon_init` tag.

use helpscout_beacon::{Beacon, SECRET_ENV_VAR, Signer};
use serde::Serialize;

/// Only for trying the example: Beacon rejects signatures made with it.
pub const DEMO_SECRET: &str = "demo-secret-not-for-production";

/// Where the examples read the Beacon's ID (from its Installation settings
/// in Help Scout).
pub const BEACON_ID_ENV_VAR: &str = "HELPSCOUT_BEACON_ID";

/// Only for trying the example: no Beacon has this ID, so the page loads
/// Beacon's script but no widget appears.
pub const DEMO_BEACON_ID: &str = "demo-beacon-id-not-for-production";

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

/// The Beacon's ID from `HELPSCOUT_BEACON_ID`, read once at startup. When
/// the variable is unset: the embedded demo ID, and a notice on stderr.
/// When it is set but unusable: an error, never a silent fallback.
///
/// # Errors
///
/// A message naming `HELPSCOUT_BEACON_ID` when it is set but not Unicode.
pub fn beacon_id() -> Result<String, String> {
    match std::env::var(BEACON_ID_ENV_VAR) {
        Ok(id) => Ok(id),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("{BEACON_ID_ENV_VAR}: set but not Unicode"))
        }
        Err(std::env::VarError::NotPresent) => {
            eprintln!(
                "note: {BEACON_ID_ENV_VAR} is not set, so this uses the embedded demo Beacon ID; \
                 no Beacon appears with it. Set {BEACON_ID_ENV_VAR} to your Beacon's ID (in its \
                 Installation settings) to see yours."
            );
            Ok(DEMO_BEACON_ID.to_owned())
        }
    }
}

/// The whole Beacon, made once at startup and registered once with the
/// engine: the ID of [`beacon_id`] and the key of [`signer`] (each with its
/// demo fallback and notice).
///
/// # Errors
///
/// A message naming the variable when `HELPSCOUT_BEACON_SECRET` or
/// `HELPSCOUT_BEACON_ID` is set but unusable.
pub fn beacon() -> Result<Beacon, String> {
    let signer = signer().map_err(|error| error.to_string())?;
    let id = beacon_id()?;
    Beacon::new(id, signer).map_err(|error| format!("{BEACON_ID_ENV_VAR}: {error}"))
}
