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
//!         r#"<script>window.Beacon('identify', {"name":"Jane\u0020\u0026\u0020Joe","email":"email@email.com","#,
//!         r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The helper takes a user map (or any serializable struct with an `email`)
//! or an email string as its one parameter, and the hash arguments `name`,
//! `company`, `jobTitle`, `avatar` and `email` (each replaces the user's
//! field), `attributes` (adds to the user's custom attributes, replacing a
//! key the user also has) and `nonce`:
//!
//! ```text
//! {{beacon_identify user}}
//! {{beacon_identify user nonce=csp_nonce}} {{!-- a whole <script nonce="…"> element --}}
//! {{beacon_identify email=user.email name=user.name}}
//! ```
//!
//! On the page after sign-out, `beacon_logout` clears the identity from the
//! browser: `{{beacon_logout}}` emits `window.Beacon('logout');`, and
//! `{{beacon_logout endActiveChat=true nonce=csp_nonce}}` a whole
//! `<script nonce="…">` element that also ends a chat in progress.
//!
//! The output is written as it is (helpers' output is not escaped); bad
//! input is a render error carrying the core's message.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
};
use helpscout_beacon::Signer;
use helpscout_beacon::template::{self, IDENTIFY, LOGOUT};
use serde::de::value::MapDeserializer;

/// Registers the `beacon_identify` helper, signing with `signer`, and the
/// `beacon_logout` helper.
pub fn register(handlebars: &mut Handlebars<'_>, signer: Signer) {
    handlebars.register_helper(IDENTIFY, Box::new(BeaconIdentify(signer)));
    handlebars.register_helper(LOGOUT, Box::new(BeaconLogout));
}

/// The hash arguments, as a deserializer that copies nothing.
fn hash<'a>(
    h: &'a Helper<'_>,
) -> MapDeserializer<'a, impl Iterator<Item = (&'a str, &'a serde_json::Value)>, serde_json::Error>
{
    MapDeserializer::new(h.hash().iter().map(|(key, value)| (*key, value.value())))
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
            return Err(failed(IDENTIFY)("takes one user or email parameter").into());
        }
        let input = h.param(0).map(|param| param.value());
        template::render_with(&self.0, input, hash(h), |html| out.write(html))
            .map_err(failed(IDENTIFY))??;
        Ok(())
    }
}

struct BeaconLogout;

impl HelperDef for BeaconLogout {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        if !h.params().is_empty() {
            return Err(failed(LOGOUT)("takes only hash arguments").into());
        }
        out.write(&template::render_logout(hash(h)).map_err(failed(LOGOUT))?)?;
        Ok(())
    }
}

/// The function's name and the core's own message, as Handlebars' error.
fn failed<E: std::fmt::Display>(function: &'static str) -> impl Fn(E) -> RenderErrorReason {
    move |error| RenderErrorReason::Other(format!("{function}: {error}"))
}
