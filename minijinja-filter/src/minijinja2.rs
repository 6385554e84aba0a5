//! MiniJinja 2, enabled by the `minijinja2` feature: [`crate::register`]
//! takes its `Environment` too.
//!
//! ```
//! # use minijinja2 as minijinja; // this crate's own name for its MiniJinja 2 dependency
//! use helpscout_beacon::{Beacon, Signer};
//! use minijinja::{Environment, context, value::Value};
//!
//! let mut env = Environment::new();
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! helpscout_beacon_minijinja::register(&mut env, Beacon::new("your-beacon-id", signer)?);
//! env.add_template("page.html", "{{ beacon_init(user=current_user, nonce=csp_nonce) }}")?;
//!
//! let current_user = Value::from_serialize(serde_json::json!({"email": "email@email.com"}));
//! let html = env.get_template("page.html")?.render(context! { current_user, csp_nonce => "n0nce" })?;
//! assert!(html.ends_with(concat!(
//!     r#"window.Beacon('init', 'your-beacon-id');window.Beacon('identify', {"email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `rocket_dyn_templates`, register in `Template::custom(|engines| …)`
//! on `engines.minijinja`.

crate::adapter::minijinja_adapter!(minijinja2, "2");

/// [`crate::register`] for a MiniJinja 2 environment, by its old name.
pub fn register(env: &mut Environment<'_>, beacons: impl Into<Beacons>) {
    crate::register(env, beacons);
}
