//! The main job, end to end: sign a sample user and print the identify call
//! from the core and from each template engine (the four lines are equal).
//!
//! Uses `HELPSCOUT_BEACON_SECRET` when it is set; otherwise an embedded demo
//! key, and says so on stderr (Beacon rejects signatures made with it).

use std::error::Error;
use std::process::ExitCode;

use example_common::signer;
use helpscout_beacon::{Identity, Signer};
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
const JINJA: &str = "{{ user | beacon_identify }}";
const HANDLEBARS: &str = "{{beacon_identify user}}";

fn core(signer: &Signer) -> Result<String, Box<dyn Error>> {
    let identity = Identity::new(USER.email)
        .name(USER.name)
        .company(USER.company)
        .job_title(USER.job_title)
        .avatar(USER.avatar);
    Ok(signer.identify(&identity)?.into_string())
}

fn tera(signer: &Signer) -> Result<String, Box<dyn Error>> {
    let mut tera = tera::Tera::default();
    helpscout_beacon_tera::register(&mut tera, signer.clone());
    tera.add_raw_template("page.html", JINJA)?;
    let mut context = tera::Context::new();
    context.insert("user", &USER);
    Ok(tera.render("page.html", &context)?)
}

fn minijinja(signer: &Signer) -> Result<String, Box<dyn Error>> {
    let mut env = minijinja::Environment::new();
    helpscout_beacon_minijinja::register(&mut env, signer.clone());
    env.add_template("page.html", JINJA)?;
    let user = minijinja::value::Value::from(minijinja::value::Serde(&USER));
    Ok(env
        .get_template("page.html")?
        .render(minijinja::context! { user })?)
}

fn handlebars(signer: &Signer) -> Result<String, Box<dyn Error>> {
    let mut handlebars = handlebars::Handlebars::new();
    helpscout_beacon_handlebars::register(&mut handlebars, signer.clone());
    handlebars.register_template_string("page.html", HANDLEBARS)?;
    Ok(handlebars.render("page.html", &serde_json::json!({ "user": USER }))?)
}

fn main() -> ExitCode {
    let signer = match signer() {
        Ok(signer) => signer,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    type Render = fn(&Signer) -> Result<String, Box<dyn Error>>;
    let renders: [(&str, Render); 4] = [
        ("core", core),
        ("tera", tera),
        ("minijinja", minijinja),
        ("handlebars", handlebars),
    ];
    let mut outputs = Vec::new();
    for (label, render) in renders {
        match render(&signer) {
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
