//! The `beacon_identify` filter for [MiniJinja](https://docs.rs/minijinja) 3:
//! a signed, script-safe Help Scout Beacon identify call from a template.
//!
//! ```
//! use helpscout_beacon::Signer;
//! use minijinja::{Environment, value::Serde};
//!
//! let mut env = Environment::new();
//! helpscout_beacon_minijinja::register(&mut env, Signer::new("secret_key_from_beacon_config")?);
//! env.add_template("page.html", "<script>{{ user | beacon_identify }}</script>")?;
//!
//! let data = serde_json::json!({"user": {"email": "email@email.com", "name": "Jane & Joe"}});
//! let html = env.get_template("page.html")?.render(Serde(&data))?;
//! assert_eq!(
//!     html,
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
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind};
use serde::Deserialize;

/// Registers the `beacon_identify` filter, signing with `signer`, and the
/// `beacon_logout` function.
pub fn register(env: &mut Environment<'_>, signer: Signer) {
    env.add_function("beacon_logout", |kwargs: Kwargs| -> Result<Value, Error> {
        let args = LogoutArgs::deserialize(Value::from(kwargs))
            .map_err(core_message)
            .map_err(failed(LOGOUT))?;
        let html = template::render_logout(args).map_err(failed(LOGOUT))?;
        Ok(Value::from_safe_string(html))
    });
    env.add_filter(
        "beacon_identify",
        move |value: &Value, kwargs: Kwargs| -> Result<Value, Error> {
            let input = Option::<Identity>::deserialize(value)
                .map_err(core_message)
                .map_err(failed(IDENTIFY))?;
            let args = TemplateArgs::deserialize(Value::from(kwargs))
                .map_err(core_message)
                .map_err(failed(IDENTIFY))?;
            let html = template::render(&signer, input, args).map_err(failed(IDENTIFY))?;
            Ok(Value::from_safe_string(html))
        },
    );
}

const IDENTIFY: &str = "beacon_identify";
const LOGOUT: &str = "beacon_logout";

/// What the template author needs: the function's name and the core's own
/// message.
fn failed<E: std::fmt::Display>(function: &'static str) -> impl Fn(E) -> Error {
    move |error| Error::new(ErrorKind::InvalidOperation, format!("{function}: {error}"))
}

/// The core's message inside MiniJinja's serde error, without the "cannot
/// deserialize" MiniJinja puts in front of it.
fn core_message(error: Error) -> String {
    error
        .detail()
        .map_or_else(|| error.to_string(), str::to_owned)
}
