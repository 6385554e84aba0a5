//! Shared harness for the cross-engine tests: the six engines (Tera 2 and
//! 1, MiniJinja 3 and 2, Handlebars 6 and 5), every function registered
//! with one signer or one set of Beacons, one way to render a case through
//! each, the corpus and generated identities, the test model's independent
//! expectation of what the page should hand to Beacon, HTML pages of
//! rendered calls (with the recorder's stub, or with Beacon's own loader),
//! a loopback HTTP server for pages that need real headers, and the
//! external JavaScript engines (headless Chromium, Node) that run them.

// A test harness, not an API: its helpers panic to fail the calling test,
// and their results are always used; the workspace's API lints for `# Panics`
// and `# Errors` sections and `#[must_use]` would only add noise here.
#![allow(
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    clippy::missing_errors_doc
)]

pub mod beacon_page;
pub mod browser;
pub mod corpus;
pub mod generate;
pub mod oracle;
pub mod page;
mod readme;
pub mod server;

use helpscout_beacon::{Beacons, Signer};
use serde_json::{Map, Value};

/// How the template hands the user to `beacon_identify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `{{ user | beacon_identify }}` / `{{beacon_identify user}}`
    User,
    /// The same with `nonce=nonce`.
    UserWithNonce,
    /// `{{ user.email | beacon_identify(name=user.name, …) }}` / hash
    /// arguments, with only the fields the user has.
    EmailWithArguments,
}

/// A template engine this workspace supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Tera 2.
    Tera,
    /// MiniJinja 3.
    MiniJinja,
    /// Handlebars 6.
    Handlebars,
    /// Tera 1.
    Tera1,
    /// MiniJinja 2.
    MiniJinja2,
    /// Handlebars 5.
    Handlebars5,
}

impl Engine {
    /// The engine's short name, as the tests report it.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Tera => "tera",
            Engine::MiniJinja => "minijinja",
            Engine::Handlebars => "handlebars",
            Engine::Tera1 => "tera1",
            Engine::MiniJinja2 => "minijinja2",
            Engine::Handlebars5 => "handlebars5",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The engines this workspace supports: the current majors, then the older
/// ones still common in framework integrations.
pub const ENGINES: [Engine; 6] = [
    Engine::Tera,
    Engine::MiniJinja,
    Engine::Handlebars,
    Engine::Tera1,
    Engine::MiniJinja2,
    Engine::Handlebars5,
];

/// One engine of each kind, every function registered for one set of
/// Beacons.
pub struct Engines {
    tera: tera::Tera,
    minijinja: minijinja::Environment<'static>,
    handlebars: handlebars::Handlebars<'static>,
    tera1: tera1::Tera,
    minijinja2: minijinja2::Environment<'static>,
    handlebars5: handlebars5::Handlebars<'static>,
    added: std::collections::HashSet<String>,
}

/// The keyword arguments a user map turns into, in the email form.
const ARGUMENT_FIELDS: [&str; 5] = ["name", "company", "jobTitle", "avatar", "attributes"];

impl Engines {
    /// Every engine with the functions registered for `signer` alone.
    pub fn new(signer: &Signer) -> Self {
        Engines::with_beacons(signer.clone())
    }

    /// Every engine with the functions registered for `beacons`, each
    /// through its crate's one `register`.
    pub fn with_beacons(beacons: impl Into<Beacons>) -> Self {
        let beacons = beacons.into();
        let mut tera = tera::Tera::default();
        helpscout_beacon_tera::register(&mut tera, beacons.clone());
        let mut minijinja = minijinja::Environment::new();
        helpscout_beacon_minijinja::register(&mut minijinja, beacons.clone());
        let mut handlebars = handlebars::Handlebars::new();
        handlebars.set_strict_mode(false);
        helpscout_beacon_handlebars::register(&mut handlebars, beacons.clone());
        let mut tera1 = tera1::Tera::default();
        helpscout_beacon_tera::register(&mut tera1, beacons.clone());
        let mut minijinja2 = minijinja2::Environment::new();
        helpscout_beacon_minijinja::register(&mut minijinja2, beacons.clone());
        let mut handlebars5 = handlebars5::Handlebars::new();
        handlebars5.set_strict_mode(false);
        helpscout_beacon_handlebars::register(&mut handlebars5, beacons);
        Engines {
            tera,
            minijinja,
            handlebars,
            tera1,
            minijinja2,
            handlebars5,
            added: Default::default(),
        }
    }

    /// The name of the autoescaped `.html` template for `form` with the
    /// argument fields `user` has, added to every engine on first use.
    pub fn template_for(&mut self, form: Form, user: &Value) -> String {
        let (jinja, handlebars) = templates(form, user);
        let name = format!("{jinja}.html");
        if self.added.insert(name.clone()) {
            self.add_raw(&name, &jinja, &handlebars);
        }
        name
    }

    /// Adds hand-written templates: `jinja` to Tera and MiniJinja,
    /// `handlebars` to Handlebars (6 and 5), each as `name`.
    pub fn add_raw(&mut self, name: &str, jinja: &str, handlebars: &str) {
        self.tera
            .add_raw_template(name, jinja)
            .expect("tera template");
        self.minijinja
            .add_template_owned(name.to_owned(), jinja.to_owned())
            .expect("minijinja template");
        self.handlebars
            .register_template_string(name, handlebars)
            .expect("handlebars template");
        self.tera1
            .add_raw_template(name, jinja)
            .expect("tera 1 template");
        self.minijinja2
            .add_template_owned(name.to_owned(), jinja.to_owned())
            .expect("minijinja 2 template");
        self.handlebars5
            .register_template_string(name, handlebars)
            .expect("handlebars 5 template");
    }

    /// Renders template `name` with `context` in each engine, in the order
    /// of [`ENGINES`]; an error as its message.
    pub fn render(&self, name: &str, context: &Value) -> [Result<String, String>; ENGINES.len()] {
        ENGINES.map(|engine| self.render_one(engine, name, context))
    }

    /// Renders template `name` with `context` in `engine`; an error as its
    /// message.
    pub fn render_one(
        &self,
        engine: Engine,
        name: &str,
        context: &Value,
    ) -> Result<String, String> {
        match engine {
            Engine::Tera => tera::Context::from_serialize(context)
                .and_then(|ctx| self.tera.render(name, &ctx))
                .map_err(|e| e.to_string()),
            Engine::MiniJinja => self
                .minijinja
                .get_template(name)
                .and_then(|t| t.render(minijinja::value::Serde(context)))
                .map_err(|e| format!("{e:#}")),
            Engine::Handlebars => self
                .handlebars
                .render(name, context)
                .map_err(|e| e.to_string()),
            Engine::Tera1 => tera1::Context::from_serialize(context)
                .and_then(|ctx| self.tera1.render(name, &ctx))
                .map_err(|e| with_sources(&e)),
            Engine::MiniJinja2 => self
                .minijinja2
                .get_template(name)
                .and_then(|t| t.render(context))
                .map_err(|e| format!("{e:#}")),
            Engine::Handlebars5 => self
                .handlebars5
                .render(name, context)
                .map_err(|e| e.to_string()),
        }
    }
}

/// An error and its causes, one per line: Tera 1 keeps the filter's message
/// in the source chain, under "Failed to render".
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push('\n');
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The Tera/MiniJinja and the Handlebars template text for `form`.
pub fn templates(form: Form, user: &Value) -> (String, String) {
    match form {
        Form::User => (
            "{{ user | beacon_identify }}".to_owned(),
            "{{beacon_identify user}}".to_owned(),
        ),
        Form::UserWithNonce => (
            "{{ user | beacon_identify(nonce=nonce) }}".to_owned(),
            "{{beacon_identify user nonce=nonce}}".to_owned(),
        ),
        Form::EmailWithArguments => {
            let present: Vec<&str> = ARGUMENT_FIELDS
                .into_iter()
                .filter(|f| user.get(f).is_some_and(|v| !v.is_null()))
                .collect();
            let jinja_args: Vec<String> = present.iter().map(|f| format!("{f}=user.{f}")).collect();
            let hbs_args: String = present.iter().map(|f| format!(" {f}=user.{f}")).collect();
            let jinja = if jinja_args.is_empty() {
                "{{ user.email | beacon_identify }}".to_owned()
            } else {
                format!(
                    "{{{{ user.email | beacon_identify({}) }}}}",
                    jinja_args.join(", ")
                )
            };
            (
                jinja,
                format!("{{{{beacon_identify email=user.email{hbs_args}}}}}"),
            )
        }
    }
}

/// The template context for a user map and a nonce.
pub fn context(user: &Value, nonce: &str) -> Value {
    let mut map = Map::new();
    map.insert("user".into(), user.clone());
    map.insert("nonce".into(), Value::String(nonce.into()));
    Value::Object(map)
}
