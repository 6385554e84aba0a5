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
use example_common::{User, content_security_policy, csp_nonce, port, signed_in_user, signer};
use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

/// What `templates/page.html` sees.
#[derive(Serialize)]
struct Page<'a> {
    user: &'a User,
    csp_nonce: &'a str,
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
