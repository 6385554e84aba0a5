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
//! On the page after sign-out, `beacon_logout` clears the identity from the
//! browser: `{{ beacon_logout() }}` emits `window.Beacon('logout');`, and
//! `{{ beacon_logout(endActiveChat=true, nonce=csp_nonce) }}` a whole
//! `<script nonce="…">` element that also ends a chat in progress.
//!
//! The output is marked safe, so autoescaping leaves it as it is; bad input
//! is a render error carrying the core's message.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use helpscout_beacon::template::{self, LogoutArgs, TemplateArgs};
use helpscout_beacon::{Identity, Signer};
use serde::Deserialize;
use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Registers the `beacon_identify` filter, signing with `signer`, and the
/// `beacon_logout` function.
pub fn register(tera: &mut Tera, signer: Signer) {
    tera.register_function(
        "beacon_logout",
        |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let args = kwargs.deserialize::<LogoutArgs>().map_err(failed(LOGOUT))?;
            let html = template::render_logout(args).map_err(failed(LOGOUT))?;
            Ok(Value::safe_string(&html))
        },
    );
    tera.register_filter(
        "beacon_identify",
        move |value: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let input = Option::<Identity>::deserialize(value).map_err(failed(IDENTIFY))?;
            let args = kwargs
                .deserialize::<TemplateArgs>()
                .map_err(failed(IDENTIFY))?;
            let html = template::render(&signer, input, args).map_err(failed(IDENTIFY))?;
            Ok(Value::safe_string(&html))
        },
    );
}

const IDENTIFY: &str = "beacon_identify";
const LOGOUT: &str = "beacon_logout";

/// What the template author needs is the function's name and the core's own
/// message, without the "deserialization failed" that Tera's serde errors
/// put in front of it.
fn failed<E: std::fmt::Display>(function: &'static str) -> impl Fn(E) -> tera::Error {
    move |error| {
        let error = error.to_string();
        let core = error
            .strip_prefix("deserialization failed: ")
            .unwrap_or(&error);
        tera::Error::message(format!("{function}: {core}"))
    }
}
