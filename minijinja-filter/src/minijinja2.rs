//! The filter and function for MiniJinja 2, enabled by the `minijinja2`
//! feature.
//!
//! ```
//! # use minijinja2 as minijinja; // this crate's own name for its MiniJinja 2 dependency
//! use helpscout_beacon::Signer;
//! use minijinja::{Environment, value::Value};
//!
//! let mut env = Environment::new();
//! helpscout_beacon_minijinja::minijinja2::register(&mut env, Signer::new("secret_key_from_beacon_config")?);
//! env.add_template("page.html", "<script>{{ user | beacon_identify }}</script>")?;
//!
//! let user = Value::from_serialize(serde_json::json!({"email": "email@email.com", "name": "Jane & Joe"}));
//! assert_eq!(
//!     env.get_template("page.html")?.render(minijinja::context! { user })?,
//!     concat!(
//!         r#"<script>window.Beacon('identify', {"name":"Jane\u0020\u0026\u0020Joe","email":"email@email.com","#,
//!         r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `rocket_dyn_templates`, register in `Template::custom(|engines| …)`
//! on `engines.minijinja`.

crate::adapter::minijinja_adapter!(minijinja2, "2");
