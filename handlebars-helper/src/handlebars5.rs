//! Handlebars 5, enabled by the `handlebars5` feature: [`crate::register`]
//! takes its `Handlebars` too.
//!
//! ```
//! # use handlebars5 as handlebars; // this crate's own name for its Handlebars 5 dependency
//! use handlebars::Handlebars;
//! use helpscout_beacon::{Beacon, Signer};
//!
//! let mut handlebars = Handlebars::new();
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! helpscout_beacon_handlebars::register(&mut handlebars, Beacon::new("your-beacon-id", signer)?);
//! handlebars.register_template_string("page.html", "{{beacon_init user=current_user nonce=csp_nonce}}")?;
//!
//! let data = serde_json::json!({"current_user": {"email": "email@email.com"}, "csp_nonce": "n0nce"});
//! assert!(handlebars.render("page.html", &data)?.ends_with(concat!(
//!     r#"window.Beacon('init', 'your-beacon-id');window.Beacon('identify', {"email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `rocket_dyn_templates` 0.2 (whose `handlebars` feature brings
//! Handlebars 5), register in `Template::custom(|engines| …)` on
//! `engines.handlebars`.

crate::adapter::handlebars_adapter!(handlebars5, "5");

/// [`crate::register`] for a Handlebars 5 registry, by the major's name.
pub fn register(handlebars: &mut Handlebars<'_>, beacons: impl Into<Beacons>) {
    crate::register(handlebars, beacons);
}
