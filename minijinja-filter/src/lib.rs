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
//!         r#"<script>window.Beacon('identify', {"name":"Jane\u0020\u0026\u0020Joe","email":"email@email.com","#,
//!         r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The filter takes a user map (or any serializable struct with an `email`)
//! or an email string, and the keyword arguments `name`, `company`,
//! `jobTitle`, `avatar` and `email` (each replaces the user's field),
//! `attributes` (adds to the user's custom attributes, replacing a key the
//! user also has) and `nonce`:
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
//!
//! MiniJinja 2 is supported too, for apps on `rocket_dyn_templates`,
//! `axum-template` and other integrations that have not moved to MiniJinja
//! 3: enable the `minijinja2` feature and call [`minijinja2::register`] (the
//! `minijinja3` feature, on by default, can be turned off).

#[cfg(any(feature = "minijinja2", feature = "minijinja3"))]
mod adapter;
#[cfg(feature = "minijinja2")]
pub mod minijinja2;
#[cfg(feature = "minijinja3")]
mod minijinja3;

#[cfg(feature = "minijinja3")]
pub use minijinja3::register;

#[cfg(any(feature = "minijinja2", feature = "minijinja3"))]
use helpscout_beacon::template::{IDENTIFY, LOGOUT};
