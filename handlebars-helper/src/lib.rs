//! The `beacon_identify` helper for [Handlebars](https://docs.rs/handlebars)
//! 6: a signed, script-safe Help Scout Beacon identify call from a template.
//!
//! ```
//! use handlebars::Handlebars;
//! use helpscout_beacon::Signer;
//!
//! let mut handlebars = Handlebars::new();
//! helpscout_beacon_handlebars::register(&mut handlebars, Signer::new("secret_key_from_beacon_config")?);
//! handlebars.register_template_string("page.html", "<script>{{beacon_identify user}}</script>")?;
//!
//! let data = serde_json::json!({"user": {"email": "email@email.com", "name": "Jane & Joe"}});
//! assert_eq!(
//!     handlebars.render("page.html", &data)?,
//!     concat!(
//!         r#"<script>window.Beacon('identify', {"name":"Jane \u0026 Joe","email":"email@email.com","#,
//!         r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The helper takes a user map (or any serializable struct with an `email`)
//! or an email string as its one parameter, and the hash arguments `name`,
//! `company`, `jobTitle`, `avatar`, `email` and `nonce`:
//!
//! ```text
//! {{beacon_identify user}}
//! {{beacon_identify user nonce=csp_nonce}}          (wrapped in <script nonce="…">)
//! {{beacon_identify email=user.email name=user.name}}
//! ```
//!
//! The output is written as it is (helpers' output is not escaped); bad
//! input is a render error carrying the core's message.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
};
use helpscout_beacon::template::{self, TemplateArgs};
use helpscout_beacon::{Identity, Signer};
use serde::Deserialize;
use serde::de::value::MapDeserializer;

/// Registers the `beacon_identify` helper, signing with `signer`.
pub fn register(handlebars: &mut Handlebars<'_>, signer: Signer) {
    handlebars.register_helper("beacon_identify", Box::new(BeaconIdentify(signer)));
}

struct BeaconIdentify(Signer);

impl HelperDef for BeaconIdentify {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        if h.params().len() > 1 {
            return Err(message("takes one user or email parameter, and hash arguments").into());
        }
        let input = h
            .param(0)
            .map(|param| Option::<Identity>::deserialize(param.value()))
            .transpose()
            .map_err(message)?
            .flatten();
        let hash = h.hash().iter().map(|(key, value)| (*key, value.value()));
        let args = TemplateArgs::deserialize(MapDeserializer::<_, serde_json::Error>::new(hash))
            .map_err(message)?;
        let html = template::render(&self.0, input, args).map_err(message)?;
        out.write(&html)?;
        Ok(())
    }
}

fn message(error: impl std::fmt::Display) -> RenderErrorReason {
    RenderErrorReason::Other(format!("beacon_identify: {error}"))
}
