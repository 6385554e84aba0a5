//! actix-web + Tera: a signed-in page that loads Help Scout Beacon and
//! identifies the user in Secure Mode, under a nonce-based Content Security
//! Policy.
//!
//! Run `cargo run -p actix-tera -- 8080` (or `PORT=8080`; port 0 picks a free
//! one) and open the address it prints.
//!
//! - The secret comes from `HELPSCOUT_BEACON_SECRET` and reaches the filter
//!   at registration, never through the template context: a template can ask
//!   for a signature, but has no way to print the key.
//! - Every response gets a fresh CSP nonce, used by both the Beacon loader and
//!   the identify call. Scripts without it do not run, so markup injected
//!   anywhere else in the page cannot execute.

use std::error::Error;
use std::process::ExitCode;

use actix_web::http::header::{self, ContentType};
use actix_web::{App, HttpResponse, HttpServer, get, web};
use example_common::{User, content_security_policy, csp_nonce, port, signed_in_user, signer};
use serde::Serialize;
use tera::{Context, Tera};

/// What `templates/page.html` sees.
#[derive(Serialize)]
struct Page<'a> {
    user: &'a User,
    csp_nonce: &'a str,
}

fn render_page(tera: &Tera, user: &User) -> Result<(String, String), Box<dyn Error>> {
    let nonce = csp_nonce()?;
    let page = Page {
        user,
        csp_nonce: &nonce,
    };
    let html = tera.render("page.html", &Context::from_serialize(&page)?)?;
    Ok((nonce, html))
}

#[get("/")]
async fn index(tera: web::Data<Tera>) -> HttpResponse {
    match render_page(&tera, &signed_in_user()) {
        Ok((nonce, html)) => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                content_security_policy(&nonce),
            ))
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
    let signer = signer()?;
    let port = port()?;
    let mut tera = Tera::default();
    helpscout_beacon_tera::register(&mut tera, signer);
    // `.html`: Tera autoescapes it; the filter's output is marked safe.
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
