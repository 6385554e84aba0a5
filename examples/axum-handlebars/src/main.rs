//! axum + Handlebars: a signed-in page with the whole Help Scout Beacon
//! (loader, `init` and the user's signed identify call, in Secure Mode) from
//! one `beacon_init` tag, under a nonce-based Content Security Policy.
//!
//! Run `cargo run -p axum-handlebars -- 8080` (or `PORT=8080`; port 0 picks a
//! free one) and open the address it prints.
//!
//! - The Beacon's ID (`HELPSCOUT_BEACON_ID`) and secret
//!   (`HELPSCOUT_BEACON_SECRET`) reach the helper at registration, never
//!   through the template context: a template can ask for a signature, but
//!   has no way to print the key.
//! - Every response gets a fresh CSP nonce, on its one Beacon element and in
//!   its header. Scripts without it do not run, so markup injected anywhere
//!   else in the page cannot execute.

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Router, routing::get};
use example_common::{User, beacon, port, signed_in_user};
use handlebars::Handlebars;
use helpscout_beacon::csp::{self, Nonce};
use serde::Serialize;

/// What `templates/page.html` sees.
#[derive(Serialize)]
struct Page<'a> {
    current_user: &'a User,
    csp_nonce: &'a str,
}

fn render_page(
    handlebars: &Handlebars<'_>,
    user: &User,
) -> Result<(Nonce, String), Box<dyn Error>> {
    let nonce = Nonce::generate()?;
    let page = Page {
        current_user: user,
        csp_nonce: nonce.as_str(),
    };
    let html = handlebars.render("page.html", &page)?;
    Ok((nonce, html))
}

async fn index(State(handlebars): State<Arc<Handlebars<'static>>>) -> Response {
    match render_page(&handlebars, &signed_in_user()) {
        Ok((nonce, html)) => (
            [
                (header::CONTENT_SECURITY_POLICY, csp::header_value(&nonce)),
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
    let beacon = beacon()?;
    let port = port()?;
    let mut handlebars = Handlebars::new();
    // A misspelt variable is a render error, not an empty string.
    handlebars.set_strict_mode(true);
    helpscout_beacon_handlebars::register(&mut handlebars, beacon);
    // Handlebars HTML-escapes every `{{…}}`; the helper's output is written as it is.
    handlebars.register_template_string("page.html", include_str!("../templates/page.html"))?;
    let app = Router::new()
        .route("/", get(index))
        .with_state(Arc::new(handlebars));
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
