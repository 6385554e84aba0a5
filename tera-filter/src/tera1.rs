//! Tera 1, enabled by the `tera1` feature: [`crate::register`] takes its
//! `Tera` too.
//!
//! ```
//! # use tera1 as tera; // this crate's own name for its Tera 1 dependency
//! use helpscout_beacon::{Beacon, Signer};
//! use tera::{Context, Tera};
//!
//! let mut tera = Tera::default();
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! helpscout_beacon_tera::register(&mut tera, Beacon::new("your-beacon-id", signer)?);
//! tera.add_raw_template("page.html", "{{ beacon_init(user=current_user, nonce=csp_nonce) }}")?;
//!
//! let mut context = Context::new();
//! context.insert("current_user", &serde_json::json!({"email": "email@email.com"}));
//! context.insert("csp_nonce", "n0nce");
//! assert!(tera.render("page.html", &context)?.ends_with(concat!(
//!     r#"window.Beacon('init', 'your-beacon-id');window.Beacon('identify', {"email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
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
use std::sync::Arc;

use helpscout_beacon::Beacons;
use helpscout_beacon::template::{self, Function};
use serde::de::value::MapDeserializer;
use serde_json::Value;
use tera1::{Filter, Tera};

use crate::core_message;

impl crate::sealed::Sealed for Tera {}

/// A Tera 1 instance.
impl crate::Engine for Tera {
    fn register_beacons(&mut self, beacons: Beacons) {
        let beacons = Arc::new(beacons);
        for function in Function::ALL {
            let call = Call {
                beacons: Arc::clone(&beacons),
                function,
            };
            if function.takes_input() {
                self.register_filter(function.name(), call.clone());
            }
            // A filter only: `{{ user | beacon_identify }}`.
            if function != Function::Identify {
                self.register_function(function.name(), call);
            }
        }
    }
}

/// [`crate::register`] for a Tera 1 instance, by its old name.
pub fn register(tera: &mut Tera, beacons: impl Into<Beacons>) {
    crate::register(tera, beacons);
}

/// One template function, as a filter and as a function.
#[derive(Clone)]
struct Call {
    beacons: Arc<Beacons>,
    function: Function,
}

impl Call {
    fn call(&self, input: Option<&Value>, args: &HashMap<String, Value>) -> tera1::Result<Value> {
        let args = MapDeserializer::new(args.iter().map(|(key, value)| (key.as_str(), value)));
        template::render_call(&self.beacons, self.function, input, args)
            .map(Value::String)
            .map_err(|error| tera1::Error::msg(core_message(self.function.name(), error)))
    }
}

impl Filter for Call {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera1::Result<Value> {
        self.call(Some(value), args)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

impl tera1::Function for Call {
    fn call(&self, args: &HashMap<String, Value>) -> tera1::Result<Value> {
        Call::call(self, None, args)
    }

    fn is_safe(&self) -> bool {
        true
    }
}
