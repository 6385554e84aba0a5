//! Help Scout Beacon for [Handlebars](https://docs.rs/handlebars) 6 and 5:
//! the loader, `init` and a signed, script-safe identify call from one tag.
//!
//! ```
//! use handlebars::Handlebars;
//! use helpscout_beacon::{Beacon, Signer};
//!
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! let mut handlebars = Handlebars::new();
//! helpscout_beacon_handlebars::register(&mut handlebars, Beacon::new("your-beacon-id", signer)?);
//! handlebars.register_template_string("page.html", "{{beacon_init user=current_user nonce=csp_nonce}}")?;
//!
//! let data = serde_json::json!({
//!     "current_user": {"email": "email@email.com", "name": "Jane & Joe"},
//!     "csp_nonce": "n0nce",
//! });
//! let html = handlebars.render("page.html", &data)?;
//! assert!(html.starts_with(r#"<script nonce="n0nce">!function(e,t,n){"#));
//! assert!(html.ends_with(concat!(
//!     r#"window.Beacon('init', 'your-beacon-id');"#,
//!     r#"window.Beacon('identify', {"name":"Jane\u0020\u0026\u0020Joe","email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! On a signed-out page `current_user` is null or missing, and
//! `beacon_init` loads Beacon without identifying anyone.
//!
//! [`register`] adds a helper for every function, under the names of
//! [`Function::name`](helpscout_beacon::template::Function::name); the
//! first parameter is the input of `beacon_identify` (a user map or an
//! email), `beacon_session_data` and `beacon_prefill`, and everything else
//! is a hash argument:
//!
//! ```text
//! {{beacon_init user=current_user nonce=csp_nonce}}  {{!-- loader, init, config, identify --}}
//! {{beacon_init logout=true nonce=csp_nonce}}        {{!-- after sign-out --}}
//! {{beacon_identify user nonce=csp_nonce}}           {{!-- identify alone --}}
//! {{beacon_identify email=user.email name=user.name}}
//! {{beacon_session_data data nonce=csp_nonce}}       {{!-- or data=data --}}
//! {{beacon_prefill form nonce=csp_nonce}}            {{!-- or form=form --}}
//! {{beacon_logout endActiveChat=true nonce=csp_nonce}}
//! {{beacon_identify user beacon="sales"}}            {{!-- one of several Beacons, by name --}}
//! ```
//!
//! With `nonce=` the text is a whole `<script nonce="…">` element; without,
//! the bare script for a `<script>` of your own. Register several Beacons
//! under names with [`Beacons`], or just a
//! [`Signer`](helpscout_beacon::Signer) for identify alone. The output is
//! written as it is (a helper's output is not escaped); bad input, and a
//! second parameter (or any for `beacon_init` and `beacon_logout`), is a
//! render error carrying the helper's name and the core's message.
//!
//! # Handlebars 6 and 5
//!
//! The same [`register`] takes the `Handlebars` of every enabled major:
//! `handlebars6` (the default) and `handlebars5`, for `rocket_dyn_templates`
//! 0.2 (see the `handlebars5` module). A `Handlebars` of a major whose feature is off
//! is a compile error that names the feature to enable:
#![cfg_attr(not(feature = "handlebars5"), doc = "```compile_fail,E0277")]
#![cfg_attr(feature = "handlebars5", doc = "```ignore")]
//! # use helpscout_beacon::Signer;
//! let mut handlebars = handlebars5::Handlebars::new(); // Handlebars 5, without the `handlebars5` feature
//! helpscout_beacon_handlebars::register(&mut handlebars, Signer::new("secret")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```text
//! error[E0277]: `Handlebars<'_>` is not a Handlebars registry of an enabled major
//!   = note: enable the `handlebars5` feature of helpscout-beacon-handlebars for Handlebars 5
//! ```

#[cfg(any(feature = "handlebars5", feature = "handlebars6"))]
mod adapter;
#[cfg(feature = "handlebars5")]
pub mod handlebars5;
#[cfg(feature = "handlebars6")]
mod handlebars6;

use helpscout_beacon::Beacons;

/// A `Handlebars` registry of an enabled major: Handlebars 6 with the
/// `handlebars6` feature (on by default), Handlebars 5 with `handlebars5`.
/// Implemented by this crate only; call [`register`].
#[cfg_attr(
    all(feature = "handlebars6", not(feature = "handlebars5")),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a Handlebars registry of an enabled major",
        label = "a Handlebars 6 registry is expected here",
        note = "enable the `handlebars5` feature of helpscout-beacon-handlebars for Handlebars 5"
    )
)]
#[cfg_attr(
    all(feature = "handlebars5", not(feature = "handlebars6")),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a Handlebars registry of an enabled major",
        label = "a Handlebars 5 registry is expected here",
        note = "enable the `handlebars6` feature of helpscout-beacon-handlebars for Handlebars 6"
    )
)]
#[cfg_attr(
    all(feature = "handlebars5", feature = "handlebars6"),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a Handlebars registry",
        label = "a Handlebars 6 or 5 registry is expected here"
    )
)]
#[cfg_attr(
    not(any(feature = "handlebars5", feature = "handlebars6")),
    diagnostic::on_unimplemented(
        message = "helpscout-beacon-handlebars is built without a Handlebars major",
        note = "enable its `handlebars6` feature for Handlebars 6, or `handlebars5` for Handlebars 5"
    )
)]
pub trait Engine: sealed::Sealed {
    /// Registers every helper, signing with `beacons`; see [`register`].
    fn register_beacons(&mut self, beacons: Beacons);
}

mod sealed {
    pub trait Sealed {}
}

/// Registers a helper for every template function in `handlebars`, for
/// `beacons`: one [`Beacon`](helpscout_beacon::Beacon), several
/// [`Beacons`] under names, or a bare
/// [`Signer`](helpscout_beacon::Signer) (identify, session data, prefill
/// and logout, but no `beacon_init`, which needs the Beacon's ID).
pub fn register(handlebars: &mut impl Engine, beacons: impl Into<Beacons>) {
    handlebars.register_beacons(beacons.into());
}
