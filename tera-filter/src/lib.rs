//! The `beacon_identify` filter for [Tera](https://keats.github.io/tera/) 2:
//! a signed, script-safe Help Scout Beacon identify call from a template.
//!
//! ```
//! use helpscout_beacon::Signer;
//! use tera::{Context, Tera};
//!
//! let mut tera = Tera::default();
//! helpscout_beacon_tera::register(&mut tera, Signer::new("secret_key_from_beacon_config")?);
//! tera.add_raw_template("page.html", "<script>{{ user | beacon_identify }}</script>")?;
//!
//! let mut context = Context::new();
//! context.insert("user", &serde_json::json!({"email": "email@email.com", "name": "Jane & Joe"}));
//! assert_eq!(
//!     tera.render("page.html", &context)?,
//!     concat!(
//!         r#"<script>window.Beacon('identify', {"name":"Jane \u0026 Joe","email":"email@email.com","#,
//!         r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The filter takes a user map (or any serializable struct with an `email`)
//! or an email string, and the keyword arguments `name`, `company`,
//! `jobTitle`, `avatar`, `email` and `nonce`:
//!
//! ```text
//! {{ user | beacon_identify }}
//! {{ user | beacon_identify(nonce=csp_nonce) }}      {# wrapped in <script nonce="…"> #}
//! {{ user.email | beacon_identify(name=user.name) }}
//! ```
//!
//! The output is marked safe, so autoescaping leaves it as it is; bad input
//! is a render error carrying the core's message.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use helpscout_beacon::template::{self, TemplateArgs};
use helpscout_beacon::{Identity, Signer};
use serde::Deserialize;
use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Registers the `beacon_identify` filter, signing with `signer`.
pub fn register(tera: &mut Tera, signer: Signer) {
    tera.register_filter(
        "beacon_identify",
        move |value: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let input = Option::<Identity>::deserialize(value).map_err(message)?;
            let args = kwargs.deserialize::<TemplateArgs>().map_err(message)?;
            let html = template::render(&signer, input, args).map_err(message)?;
            Ok(Value::safe_string(&html))
        },
    );
}

/// Tera's errors wrap serde's in "deserialization failed"; the core's own
/// message is what the template author needs.
fn message(error: impl std::fmt::Display) -> tera::Error {
    tera::Error::message(format!("beacon_identify: {error}"))
}
