//! axum + MiniJinja: the whole Help Scout Beacon (loader, `init` and, for a
//! signed-in user, the signed identify call) from one
//! `{{ beacon_init(…) }}` tag, under a nonce-based Content Security Policy;
//! signing out across a redirect; and the signed identity as JSON for a
//! single-page app.
//!
//! - `GET /`: the page, signed in or out. Right after signing out it runs
//!   `window.Beacon('logout')` before `init`, and clears the cookie that
//!   asked for it.
//! - `POST /login`: signs the demo user in (a `session` cookie) and
//!   redirects to `/`.
//! - `POST /logout`: signs out, sets the short-lived `HttpOnly` cookie
//!   `beacon_logout` and redirects (303) to `/`: a logout call rendered on
//!   the redirect itself would never run.
//! - `GET /beacon/identity`: the signed-in user's signed identity as JSON,
//!   for an app that calls `Beacon('identify', …)` itself; `401` when
//!   signed out.
//!
//! Run `cargo run -p axum-minijinja -- 8080` (or `PORT=8080`; port 0 picks a
//! free one) and open the address it prints.
//!
//! - The Beacon's ID (`HELPSCOUT_BEACON_ID`) and secret
//!   (`HELPSCOUT_BEACON_SECRET`) reach the function at registration, never
//!   through the template context: a template can ask for a signature, but
//!   has no way to print the key.
//! - Every page gets a fresh CSP nonce, on its one Beacon element and in
//!   its header. Scripts without it do not run, so markup injected anywhere
//!   else in the page cannot execute.

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use example_common::{User, beacon, port, signed_in_user};
use helpscout_beacon::csp::{self, Nonce};
use helpscout_beacon::{Beacon, Identity};
use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;

/// Stands in for a real app's session: the demo user is signed in while
/// this cookie holds [`SESSION_VALUE`].
const SESSION: &str = "session";
const SESSION_VALUE: &str = "demo";
/// Set by `/logout` for the page after the redirect, which clears it.
const BEACON_LOGOUT: &str = "beacon_logout";

const SIGN_IN: &str = "session=demo; Path=/; HttpOnly; SameSite=Lax";
const SIGN_OUT: &str = "session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";
/// A minute is plenty for the redirect, and a page that never comes does
/// not log the next user out later.
const ASK_FOR_LOGOUT: &str = "beacon_logout=1; Max-Age=60; Path=/; HttpOnly; SameSite=Lax";
const LOGOUT_DONE: &str = "beacon_logout=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";

/// What the handlers share: the engine, with the Beacon registered, and the
/// Beacon itself, for the JSON identity.
struct App {
    env: Environment<'static>,
    beacon: Beacon,
}

/// What `templates/page.html` sees.
#[derive(Serialize)]
struct Page<'a> {
    /// `None` (MiniJinja's `none`) when signed out: no identify call.
    current_user: Option<&'a User>,
    /// True on the page right after signing out.
    signed_out: bool,
    csp_nonce: &'a str,
}

/// The value of cookie `name` in the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Stands in for the session lookup of a real app.
fn current_user(headers: &HeaderMap) -> Option<User> {
    (cookie(headers, SESSION) == Some(SESSION_VALUE)).then(signed_in_user)
}

fn render_page(
    env: &Environment<'_>,
    user: Option<&User>,
    signed_out: bool,
) -> Result<(Nonce, String), Box<dyn Error>> {
    let nonce = Nonce::generate()?;
    let page = Page {
        current_user: user,
        signed_out,
        csp_nonce: nonce.as_str(),
    };
    let html = env.get_template("page.html")?.render(Serde(&page))?;
    Ok((nonce, html))
}

async fn index(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let user = current_user(&headers);
    let signed_out = cookie(&headers, BEACON_LOGOUT).is_some();
    match render_page(&app.env, user.as_ref(), signed_out) {
        Ok((nonce, html)) => {
            let mut response = (
                [
                    (header::CONTENT_SECURITY_POLICY, csp::header_value(&nonce)),
                    // A cached copy would replay the nonce.
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                Html(html),
            )
                .into_response();
            if signed_out {
                // Logged out once: the next page must not do it again.
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, HeaderValue::from_static(LOGOUT_DONE));
            }
            response
        }
        Err(error) => {
            // The core's errors name the field and the rule, never the key.
            eprintln!("error: GET /: {error}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn login() -> impl IntoResponse {
    (
        AppendHeaders([(header::SET_COOKIE, SIGN_IN)]),
        Redirect::to("/"),
    )
}

async fn logout() -> impl IntoResponse {
    (
        AppendHeaders([
            (header::SET_COOKIE, SIGN_OUT),
            (header::SET_COOKIE, ASK_FOR_LOGOUT),
        ]),
        Redirect::to("/"),
    )
}

/// The signed identity for a single-page app (or a mobile SDK's backend):
/// the same fields as the identify call, limits applied, `signature` last.
async fn identity(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    // Per user: never from a cache.
    let no_store = (header::CACHE_CONTROL, "no-store");
    let Some(user) = current_user(&headers) else {
        return (StatusCode::UNAUTHORIZED, [no_store], "signed out").into_response();
    };
    let identity = Identity::new(user.email)
        .name(user.name)
        .company(user.company)
        .job_title(user.job_title);
    let json = app
        .beacon
        .signer()
        .signed_identity(&identity)
        .map_err(Box::<dyn Error>::from)
        .and_then(|signed| Ok(serde_json::to_string(&signed)?));
    match json {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json"), no_store], json).into_response(),
        Err(error) => {
            eprintln!("error: GET /beacon/identity: {error}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let beacon = beacon()?;
    let port = port()?;
    let mut env = Environment::new();
    helpscout_beacon_minijinja::register(&mut env, beacon.clone());
    // `.html`: MiniJinja autoescapes it; the function's output is marked safe.
    env.add_template("page.html", include_str!("../templates/page.html"))?;
    let app = Router::new()
        .route("/", get(index))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/beacon/identity", get(identity))
        .with_state(Arc::new(App { env, beacon }));
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
