//! Rocket 0.5 + `rocket_dyn_templates`: the Beacon adapters on the engine
//! majors that Rocket's template support still ships, Tera 1, MiniJinja 2 and
//! Handlebars 5, side by side in one app, under a nonce-based Content Security
//! Policy.
//!
//! - `GET /tera` renders `templates/tera/page.html.tera` with Tera 1,
//! - `GET /minijinja` renders `templates/minijinja/page.html.j2` with
//!   MiniJinja 2, and `GET /handlebars` renders
//!   `templates/handlebars/page.html.hbs` with Handlebars 5: the same
//!   signed-in page, the same whole Beacon from one `beacon_init` tag
//!   (loader, `init`, the signed identify call);
//! - `GET /signed-out` renders `templates/tera/signed-out.html.tera`, whose
//!   `beacon_init(logout=true)` clears the previous identity from the
//!   browser between the loader and `init`.
//!
//! Run `cargo run -p rocket-older-majors -- 8080` (or `PORT=8080`; port 0
//! picks a free one) and open the address it prints.
//!
//! - The Beacon's ID (`HELPSCOUT_BEACON_ID`) and secret
//!   (`HELPSCOUT_BEACON_SECRET`) reach the functions at registration, in
//!   `Template::custom`, never through the template context: a template can
//!   ask for a signature, but has no way to print the key.
//! - Every response gets a fresh CSP nonce, on its one Beacon element and in
//!   its header. Scripts without it do not run, so markup injected anywhere
//!   else in the page cannot execute.

use std::net::Ipv4Addr;
use std::process::ExitCode;

use example_common::{beacon, port, signed_in_user};
use helpscout_beacon::csp::{self, Nonce};
use rocket::config::{Config, LogLevel};
use rocket::error::ErrorKind;
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Responder, get, routes};
use rocket_dyn_templates::{Template, context};
use serde::Serialize;

/// Rocket finds templates here, by name without the extensions: the engine
/// comes from the last one (`.tera`, `.j2`), the Content-Type and the
/// autoescaping from the one before (`.html`). An absolute path, so that
/// `cargo run` works from any directory. `page.html.tera` and `page.html.j2`
/// side by side would both be named `page`, and Rocket would keep only one:
/// hence a folder per engine.
const TEMPLATE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");

/// A request guard: this request's CSP nonce, fresh from the OS.
struct CspNonce(Nonce);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CspNonce {
    type Error = helpscout_beacon::Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match Nonce::generate() {
            Ok(nonce) => Outcome::Success(CspNonce(nonce)),
            Err(error) => {
                eprintln!("error: {} {}: {error}", request.method(), request.uri());
                Outcome::Error((Status::InternalServerError, error))
            }
        }
    }
}

impl CspNonce {
    /// The template named `name`, rendered with `context` (which hands this
    /// nonce to the template as `csp_nonce`), under the CSP for this nonce.
    fn page(&self, name: &'static str, context: impl Serialize) -> NoncedPage {
        NoncedPage {
            template: Template::render(name, context),
            csp: Header::new("Content-Security-Policy", csp::header_value(&self.0)),
            // A cached copy would replay the nonce.
            cache_control: Header::new("Cache-Control", "no-store"),
        }
    }
}

/// A rendered page with the headers that go with its nonce. A render error
/// is a 500, logged by Rocket (the core's errors name the field and the rule,
/// never the key).
#[derive(Responder)]
struct NoncedPage {
    template: Template,
    csp: Header<'static>,
    cache_control: Header<'static>,
}

/// The signed-in page, rendered by Tera 1.
#[get("/tera")]
fn tera_page(nonce: CspNonce) -> NoncedPage {
    let user = signed_in_user();
    nonce.page(
        "tera/page",
        context! { current_user: &user, csp_nonce: nonce.0.as_str() },
    )
}

/// The same signed-in page, rendered by MiniJinja 2.
#[get("/minijinja")]
fn minijinja_page(nonce: CspNonce) -> NoncedPage {
    let user = signed_in_user();
    nonce.page(
        "minijinja/page",
        context! { current_user: &user, csp_nonce: nonce.0.as_str() },
    )
}

/// The same signed-in page, rendered by Handlebars 5.
#[get("/handlebars")]
fn handlebars_page(nonce: CspNonce) -> NoncedPage {
    let user = signed_in_user();
    nonce.page(
        "handlebars/page",
        context! { current_user: &user, csp_nonce: nonce.0.as_str() },
    )
}

/// Where a user lands after signing out: Beacon forgets the identity
/// before `init`.
#[get("/signed-out")]
fn signed_out(nonce: CspNonce) -> NoncedPage {
    nonce.page("tera/signed-out", context! { csp_nonce: nonce.0.as_str() })
}

/// Rocket's configuration, from code only (no `Rocket.toml`, no `ROCKET_*`
/// variables): like the other examples, this one takes a port and a secret.
/// Rocket logs to stdout; at `critical` it prints only errors, warnings and
/// its launch line, which comes after the liftoff fairings: the first line on
/// stdout is the address.
fn config(port: u16) -> Figment {
    Figment::from(Config::default())
        .merge(("address", Ipv4Addr::LOCALHOST))
        .merge(("port", port))
        .merge(("log_level", LogLevel::Critical))
        .merge(("template_dir", TEMPLATE_DIR))
}

async fn run() -> Result<(), String> {
    let beacon = beacon()?;
    let port = port()?;
    let app = rocket::custom(config(port))
        .mount(
            "/",
            routes![tera_page, minijinja_page, handlebars_page, signed_out],
        )
        // Every engine gets every function for the same Beacon, each
        // through its adapter's one `register` (which takes the older
        // majors' engines as well); in debug builds Rocket calls this again
        // whenever it reloads a changed template.
        .attach(Template::custom(move |engines| {
            helpscout_beacon_tera::register(&mut engines.tera, beacon.clone());
            helpscout_beacon_minijinja::register(&mut engines.minijinja, beacon.clone());
            helpscout_beacon_handlebars::register(&mut engines.handlebars, beacon.clone());
        }))
        // Runs once the socket is bound, so port 0 shows the port it got.
        .attach(AdHoc::on_liftoff("address", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                println!("listening on http://{}:{}", config.address, config.port);
            })
        }));
    match app.launch().await {
        Ok(_) => Ok(()),
        // Display marks the error handled (an unhandled one panics on drop).
        Err(error) => Err(match error.kind() {
            ErrorKind::FailedFairings(failed) => {
                let names: Vec<_> = failed.iter().map(|fairing| fairing.name).collect();
                format!("{error}: {}", names.join(", "))
            }
            _ => error.to_string(),
        }),
    }
}

#[rocket::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
