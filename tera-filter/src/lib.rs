//! Help Scout Beacon for [Tera](https://keats.github.io/tera/) 2 and 1: the
//! loader, `init` and a signed, script-safe identify call from one tag.
//!
//! ```
//! use helpscout_beacon::{Beacon, Signer};
//! use tera::{Context, Tera};
//!
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! let mut tera = Tera::default();
//! helpscout_beacon_tera::register(&mut tera, Beacon::new("your-beacon-id", signer)?);
//! tera.add_raw_template("page.html", "{{ beacon_init(user=current_user, nonce=csp_nonce) }}")?;
//!
//! let mut context = Context::new();
//! context.insert("current_user", &serde_json::json!({"email": "email@email.com", "name": "Jane & Joe"}));
//! context.insert("csp_nonce", "n0nce");
//! let html = tera.render("page.html", &context)?;
//! assert!(html.starts_with(r#"<script nonce="n0nce">!function(e,t,n){"#));
//! assert!(html.ends_with(concat!(
//!     r#"window.Beacon('init', 'your-beacon-id');"#,
//!     r#"window.Beacon('identify', {"name":"Jane\u0020\u0026\u0020Joe","email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! On a signed-out page `current_user` is null (or, in Tera 2, undefined),
//! and `beacon_init` loads Beacon without identifying anyone.
//!
//! [`register`] adds every function, under the names of
//! [`Function::name`](helpscout_beacon::template::Function::name):
//!
//! ```text
//! {{ beacon_init(user=current_user, nonce=csp_nonce) }}   {# loader, init, config, identify #}
//! {{ beacon_init(logout=true, nonce=csp_nonce) }}         {# after sign-out #}
//! {{ user | beacon_identify(nonce=csp_nonce) }}           {# identify alone #}
//! {{ user.email | beacon_identify(name=user.name) }}      {# arguments replace the user's fields #}
//! {{ data | beacon_session_data(nonce=csp_nonce) }}       {# or beacon_session_data(data=data) #}
//! {{ form | beacon_prefill(nonce=csp_nonce) }}            {# or beacon_prefill(form=form) #}
//! {{ beacon_logout(endActiveChat=true, nonce=csp_nonce) }}
//! {{ user | beacon_identify(beacon="sales") }}            {# one of several Beacons, by name #}
//! ```
//!
//! With `nonce=` the text is a whole `<script nonce="…">` element; without,
//! the bare script for a `<script>` of your own. Register several Beacons
//! under names with [`Beacons`], or just a
//! [`Signer`](helpscout_beacon::Signer) for identify alone. The output is
//! marked safe, so autoescaping leaves it as it is; bad input is a render
//! error carrying the function's name and the core's message.
//!
//! # Tera 2 and 1
//!
//! The same [`register`] takes the `Tera` of every enabled major: `tera2`
//! (the default) and `tera1`, for apps on `rocket_dyn_templates` and other
//! framework integrations that have not moved to Tera 2 (see the `tera1` module). A
//! `Tera` of a major whose feature is off is a compile error that names the
//! feature to enable:
#![cfg_attr(not(feature = "tera1"), doc = "```compile_fail,E0277")]
#![cfg_attr(feature = "tera1", doc = "```ignore")]
//! # use helpscout_beacon::Signer;
//! let mut tera = tera1::Tera::default(); // Tera 1, without the `tera1` feature
//! helpscout_beacon_tera::register(&mut tera, Signer::new("secret")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```text
//! error[E0277]: `Tera` is not a Tera instance of an enabled major
//!   = note: enable the `tera1` feature of helpscout-beacon-tera for Tera 1
//! ```

#[cfg(feature = "tera1")]
pub mod tera1;
#[cfg(feature = "tera2")]
mod tera2;

use helpscout_beacon::Beacons;

/// A `Tera` of an enabled major: Tera 2 with the `tera2` feature (on by
/// default), Tera 1 with `tera1`. Implemented by this crate only; call
/// [`register`].
#[cfg_attr(
    all(feature = "tera2", not(feature = "tera1")),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a Tera instance of an enabled major",
        label = "a Tera 2 `Tera` is expected here",
        note = "enable the `tera1` feature of helpscout-beacon-tera for Tera 1"
    )
)]
#[cfg_attr(
    all(feature = "tera1", not(feature = "tera2")),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a Tera instance of an enabled major",
        label = "a Tera 1 `Tera` is expected here",
        note = "enable the `tera2` feature of helpscout-beacon-tera for Tera 2"
    )
)]
#[cfg_attr(
    all(feature = "tera1", feature = "tera2"),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a Tera instance",
        label = "a Tera 2 or 1 `Tera` is expected here"
    )
)]
#[cfg_attr(
    not(any(feature = "tera1", feature = "tera2")),
    diagnostic::on_unimplemented(
        message = "helpscout-beacon-tera is built without a Tera major",
        note = "enable its `tera2` feature for Tera 2, or `tera1` for Tera 1"
    )
)]
pub trait Engine: sealed::Sealed {
    /// Registers every template function, signing with `beacons`; see
    /// [`register`].
    fn register_beacons(&mut self, beacons: Beacons);
}

mod sealed {
    pub trait Sealed {}
}

/// Registers every template function in `tera`, for `beacons`: one
/// [`Beacon`](helpscout_beacon::Beacon), several
/// [`Beacons`] under names, or a bare
/// [`Signer`](helpscout_beacon::Signer) (identify, session data, prefill
/// and logout, but no `beacon_init`, which needs the Beacon's ID).
///
/// Filters `beacon_identify`, `beacon_session_data` and `beacon_prefill`
/// (the input is the filtered value); functions `beacon_init`,
/// `beacon_logout`, `beacon_session_data` (`data=`) and `beacon_prefill`
/// (`form=`).
pub fn register(tera: &mut impl Engine, beacons: impl Into<Beacons>) {
    tera.register_beacons(beacons.into());
}

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
