//! The filter and function for Tera 1, enabled by the `tera1` feature.
//!
//! ```
//! # use tera1 as tera; // this crate's own name for its Tera 1 dependency
//! use helpscout_beacon::Signer;
//! use tera::{Context, Tera};
//!
//! let mut tera = Tera::default();
//! helpscout_beacon_tera::tera1::register(&mut tera, Signer::new("secret_key_from_beacon_config")?);
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
//! Tera 1 nests a filter's error: the `Display` of the error `render`
//! returns only names the template, and the filter's message is at the end
//! of its [`source`](std::error::Error::source) chain, so print the chain:
//!
//! ```
//! # use tera1 as tera;
//! # let mut tera = tera::Tera::default();
//! # helpscout_beacon_tera::tera1::register(&mut tera, helpscout_beacon::Signer::new("secret")?);
//! # tera.add_raw_template("page.html", "<script>{{ user | beacon_identify }}</script>")?;
//! let mut context = tera::Context::new();
//! context.insert("user", &serde_json::json!({"name": "Jane"}));
//! let error = tera.render("page.html", &context).unwrap_err();
//!
//! let chain: Vec<String> =
//!     std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source())
//!         .map(|e| e.to_string())
//!         .collect();
//! assert_eq!(chain[0], "Failed to render 'page.html'");
//! assert_eq!(
//!     chain.last().unwrap(),
//!     "beacon_identify: email: required, but missing, null or undefined \
//!      (pass a user with an email, or an email string)"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `rocket_dyn_templates`, register in `Template::custom(|engines| …)`
//! on `engines.tera`.

use std::collections::HashMap;

use helpscout_beacon::Signer;
use helpscout_beacon::template;
use serde::de::value::MapDeserializer;
use serde_json::Value;
use tera1::{Filter, Function, Tera};

use crate::{IDENTIFY, LOGOUT, core_message};

/// Registers the `beacon_identify` filter, signing with `signer`, and the
/// `beacon_logout` function in a Tera 1 instance.
pub fn register(tera: &mut Tera, signer: Signer) {
    tera.register_filter(IDENTIFY, BeaconIdentify(signer));
    tera.register_function(LOGOUT, BeaconLogout);
}

struct BeaconIdentify(Signer);

impl Filter for BeaconIdentify {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera1::Result<Value> {
        let html =
            template::render(&self.0, Some(value), arguments(args)).map_err(failed(IDENTIFY))?;
        Ok(Value::String(html))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

struct BeaconLogout;

impl Function for BeaconLogout {
    fn call(&self, args: &HashMap<String, Value>) -> tera1::Result<Value> {
        let html = template::render_logout(arguments(args)).map_err(failed(LOGOUT))?;
        Ok(Value::String(html))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// The keyword arguments, as a deserializer that copies nothing.
fn arguments(
    args: &HashMap<String, Value>,
) -> MapDeserializer<'_, impl Iterator<Item = (&str, &Value)>, serde_json::Error> {
    MapDeserializer::new(args.iter().map(|(key, value)| (key.as_str(), value)))
}

fn failed<E: std::fmt::Display>(function: &'static str) -> impl Fn(E) -> tera1::Error {
    move |error| tera1::Error::msg(core_message(function, error))
}
