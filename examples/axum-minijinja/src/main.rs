//! axum + MiniJinja: a signed-in page that loads Help Scout Beacon and
//! identifies the user in Secure Mode, under a nonce-based Content Security
//! Policy.
//!
//! Run `cargo run -p axum-minijinja -- 8080` (or `PORT=8080`; port 0 picks a
//! free one) and open the address it prints.
//!
//! - The secret comes from `HELPSCOUT_BEACON_SECRET` and reaches the filter
//!   at registration, never through the template context: a template can ask
//!   for a signature, but has no way to print the key.
//! - Every response gets a fresh CSP nonce, used by both the Beacon loader and
//!   the identify call. Scripts without it do not run, so markup injected
//!   anywhere else in the page cannot execute.

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Router, routing::get};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use helpscout_beacon::{SECRET_ENV_VAR, Signer};
use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

/// Only for trying the example: Beacon rejects signatures made with it.
const DEMO_SECRET: &str = "demo-secret-not-for-production";

/// The app's own user record. The filter reads Beacon's fields (`email`,
/// `name`, `company`, `job_title`, …) and ignores every other one, so the
/// whole record can go into the template: `password_hash` never reaches the
/// page.
#[derive(Serialize)]
struct User {
    id: u64,
    email: &'static str,
    name: &'static str,
    company: &'static str,
    job_title: &'static str,
    password_hash: &'static str,
}

/// Stands in for the session lookup of a real app.
fn signed_in_user() -> User {
    User {
        id: 42,
        email: "jane.doe@example.com",
        name: "Jane O'Doe",
        company: "Acme & Co",
        job_title: "CTO",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$never-on-the-page",
    }
}

/// What `templates/page.html` sees.
#[derive(Serialize)]
struct Page<'a> {
    user: &'a User,
    csp_nonce: &'a str,
}

/// The signer for `HELPSCOUT_BEACON_SECRET`, made once at startup. When the
/// variable is unset: the embedded demo key, and a notice on stderr. When it
/// is set but unusable (empty, padded with whitespace): an error, never a
/// silent fallback to the demo key.
fn signer() -> Result<Signer, helpscout_beacon::Error> {
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
fn port() -> Result<u16, String> {
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
fn csp_nonce() -> Result<String, getrandom::Error> {
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
fn content_security_policy(nonce: &str) -> String {
    format!(
        "script-src 'nonce-{nonce}' https://beacon-v2.helpscout.net; \
         object-src 'none'; base-uri 'none'"
    )
}

fn render_page(env: &Environment<'_>, user: &User) -> Result<(String, String), Box<dyn Error>> {
    let nonce = csp_nonce()?;
    let page = Page {
        user,
        csp_nonce: &nonce,
    };
    let html = env.get_template("page.html")?.render(Serde(&page))?;
    Ok((nonce, html))
}

async fn index(State(env): State<Arc<Environment<'static>>>) -> Response {
    match render_page(&env, &signed_in_user()) {
        Ok((nonce, html)) => (
            [
                (
                    header::CONTENT_SECURITY_POLICY,
                    content_security_policy(&nonce),
                ),
                // A cached copy would replay the nonce.
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            Html(html),
        )
            .into_response(),
        Err(error) => {
            // The core's errors name the field and the rule, never the key.
            eprintln!("error: GET /: {error}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let signer = signer()?;
    let port = port()?;
    let mut env = Environment::new();
    helpscout_beacon_minijinja::register(&mut env, signer);
    // `.html`: MiniJinja autoescapes it; the filter's output is marked safe.
    env.add_template("page.html", include_str!("../templates/page.html"))?;
    let app = Router::new()
        .route("/", get(index))
        .with_state(Arc::new(env));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
