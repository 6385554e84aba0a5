//! The main job, end to end: a sample user's whole Beacon (Help Scout's
//! loader, `init` and the signed identify call, in one `<script nonce="…">`
//! element) from the core and from the one `beacon_init` tag in each
//! template engine, under one fresh CSP nonce; the four lines must be equal.
//!
//! Signs with `HELPSCOUT_BEACON_SECRET` and inits the Beacon ID in
//! `HELPSCOUT_BEACON_ID` when they are set; otherwise it uses an embedded
//! demo key and ID, and says so on stderr (Beacon rejects signatures made
//! with that key).

use std::error::Error;
use std::process::ExitCode;

use example_common::beacon;
use helpscout_beacon::csp::Nonce;
use helpscout_beacon::{Beacon, Identity};
use serde::Serialize;

/// The app's own user type: only Beacon's fields reach the page.
#[derive(Serialize)]
struct User {
    email: &'static str,
    name: &'static str,
    company: &'static str,
    job_title: &'static str,
    avatar: &'static str,
    password_hash: &'static str,
}

const USER: User = User {
    email: "jane.doe@example.com",
    name: "Jane O'Doe </script>",
    company: "Acme & Co",
    job_title: "CTO",
    avatar: "https://example.com/avatars/jane.png",
    password_hash: "$argon2id$never-printed",
};

/// The page template, autoescaped as `.html` in every engine.
const JINJA: &str = "{{ beacon_init(user=current_user, nonce=csp_nonce) }}";
const HANDLEBARS: &str = "{{beacon_init user=current_user nonce=csp_nonce}}";

fn core(beacon: &Beacon, nonce: &Nonce) -> Result<String, Box<dyn Error>> {
    let identity = Identity::new(USER.email)
        .name(USER.name)
        .company(USER.company)
        .job_title(USER.job_title)
        .avatar(USER.avatar);
    let script = beacon.init_script(Some(&identity))?;
    Ok(script.script_tag(Some(nonce.as_str()))?)
}

fn tera(beacon: &Beacon, nonce: &Nonce) -> Result<String, Box<dyn Error>> {
    let mut tera = tera::Tera::default();
    helpscout_beacon_tera::register(&mut tera, beacon.clone());
    tera.add_raw_template("page.html", JINJA)?;
    let mut context = tera::Context::new();
    context.insert("current_user", &USER);
    context.insert("csp_nonce", nonce.as_str());
    Ok(tera.render("page.html", &context)?)
}

fn minijinja(beacon: &Beacon, nonce: &Nonce) -> Result<String, Box<dyn Error>> {
    let mut env = minijinja::Environment::new();
    helpscout_beacon_minijinja::register(&mut env, beacon.clone());
    env.add_template("page.html", JINJA)?;
    let current_user = minijinja::value::Value::from(minijinja::value::Serde(&USER));
    let csp_nonce = nonce.as_str();
    Ok(env
        .get_template("page.html")?
        .render(minijinja::context! { current_user, csp_nonce })?)
}

fn handlebars(beacon: &Beacon, nonce: &Nonce) -> Result<String, Box<dyn Error>> {
    let mut handlebars = handlebars::Handlebars::new();
    helpscout_beacon_handlebars::register(&mut handlebars, beacon.clone());
    handlebars.register_template_string("page.html", HANDLEBARS)?;
    let data = serde_json::json!({ "current_user": USER, "csp_nonce": nonce.as_str() });
    Ok(handlebars.render("page.html", &data)?)
}

fn main() -> ExitCode {
    let beacon = match beacon() {
        Ok(beacon) => beacon,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    // One nonce for all four, as one response would have.
    let nonce = match Nonce::generate() {
        Ok(nonce) => nonce,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    type Render = fn(&Beacon, &Nonce) -> Result<String, Box<dyn Error>>;
    let renders: [(&str, Render); 4] = [
        ("core", core),
        ("tera", tera),
        ("minijinja", minijinja),
        ("handlebars", handlebars),
    ];
    let mut outputs = Vec::new();
    for (label, render) in renders {
        match render(&beacon, &nonce) {
            Ok(output) => {
                println!("{label:<10} {output}");
                outputs.push(output);
            }
            Err(error) => {
                eprintln!("error: {label}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    if outputs.windows(2).any(|pair| pair[0] != pair[1]) {
        eprintln!("error: the engines' outputs differ");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
