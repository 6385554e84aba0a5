//! actix-web + Tera: a signed-in page with the whole Help Scout Beacon
//! (loader, `init` and the user's signed identify call, in Secure Mode) from
//! one `beacon_init` tag, under a nonce-based Content Security Policy.
//!
//! Run `cargo run -p actix-tera -- 8080` (or `PORT=8080`; port 0 picks a free
//! one) and open the address it prints.
//!
//! - The Beacon's ID (`HELPSCOUT_BEACON_ID`) and secret
//!   (`HELPSCOUT_BEACON_SECRET`) reach the function at registration, never
//!   through the template context: a template can ask for a signature, but
//!   has no way to print the key.
//! - Every response gets a fresh CSP nonce, on its one Beacon element and in
//!   its header. Scripts without it do not run, so markup injected anywhere
//!   else in the page cannot execute.

use std::error::Error;
use std::process::ExitCode;

use actix_web::http::header::{self, ContentType};
use actix_web::{App, HttpResponse, HttpServer, get, web};
use example_common::{User, beacon, port, signed_in_user};
use helpscout_beacon::csp::{self, Nonce};
use serde::Serialize;
use tera::{Context, Tera};

/// What `templates/page.html` sees.
#[derive(Serialize)]
struct Page<'a> {
    current_user: &'a User,
    csp_nonce: &'a str,
}

fn render_page(tera: &Tera, user: &User) -> Result<(Nonce, String), Box<dyn Error>> {
    let nonce = Nonce::generate()?;
    let page = Page {
        current_user: user,
        csp_nonce: nonce.as_str(),
    };
    let html = tera.render("page.html", &Context::from_serialize(&page)?)?;
    Ok((nonce, html))
}

#[get("/")]
async fn index(tera: web::Data<Tera>) -> HttpResponse {
    match render_page(&tera, &signed_in_user()) {
        Ok((nonce, html)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_SECURITY_POLICY, csp::header_value(&nonce)))
            // A cached copy would replay the nonce.
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type(ContentType::html())
            .body(html),
        Err(error) => {
            // The core's errors name the field and the rule, never the key.
            eprintln!("error: GET /: {error}");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let beacon = beacon()?;
    let port = port()?;
    let mut tera = Tera::default();
    helpscout_beacon_tera::register(&mut tera, beacon);
    // `.html`: Tera autoescapes it; the function's output is marked safe.
    tera.add_raw_template("page.html", include_str!("../templates/page.html"))?;
    let tera = web::Data::new(tera);
    let server = HttpServer::new(move || App::new().app_data(tera.clone()).service(index))
        .bind(("127.0.0.1", port))?;
    if let Some(addr) = server.addrs().first() {
        println!("listening on http://{addr}");
    }
    server.run().await?;
    Ok(())
}

#[actix_web::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
