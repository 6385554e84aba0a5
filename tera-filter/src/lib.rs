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
//! Tera 1 is supported too, for apps on `rocket_dyn_templates` and other
//! framework integrations that have not moved to Tera 2: enable the `tera1`
//! feature and call [`tera1::register`] (the `tera2` feature, on by default,
//! can be turned off).

#[cfg(feature = "tera1")]
pub mod tera1;
#[cfg(feature = "tera2")]
mod tera2;

#[cfg(feature = "tera2")]
pub use tera2::register;

#[cfg(any(feature = "tera1", feature = "tera2"))]
use helpscout_beacon::template::{IDENTIFY, LOGOUT};

/// What the template author needs: the function's name and the core's own
/// message, without the "deserialization failed" that Tera 2's serde errors
/// put in front of it.
#[cfg(any(feature = "tera1", feature = "tera2"))]
fn core_message(function: &str, error: impl std::fmt::Display) -> String {
    let error = error.to_string();
    let core = error
        .strip_prefix("deserialization failed: ")
        .unwrap_or(&error);
    format!("{function}: {core}")
}
