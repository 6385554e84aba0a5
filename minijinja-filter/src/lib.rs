//! Help Scout Beacon for [MiniJinja](https://docs.rs/minijinja) 3 and 2:
//! the loader, `init` and a signed, script-safe identify call from one tag.
//!
//! ```
//! use helpscout_beacon::{Beacon, Signer};
//! use minijinja::{Environment, value::Serde};
//!
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! let mut env = Environment::new();
//! helpscout_beacon_minijinja::register(&mut env, Beacon::new("your-beacon-id", signer)?);
//! env.add_template("page.html", "{{ beacon_init(user=current_user, nonce=csp_nonce) }}")?;
//!
//! let data = serde_json::json!({
//!     "current_user": {"email": "email@email.com", "name": "Jane & Joe"},
//!     "csp_nonce": "n0nce",
//! });
//! let html = env.get_template("page.html")?.render(Serde(&data))?;
//! assert!(html.starts_with(r#"<script nonce="n0nce">!function(e,t,n){"#));
//! assert!(html.ends_with(concat!(
//!     r#"window.Beacon('init', 'your-beacon-id');"#,
//!     r#"window.Beacon('identify', {"name":"Jane\u0020\u0026\u0020Joe","email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! On a signed-out page `current_user` is none or undefined, and
//! `beacon_init` loads Beacon without identifying anyone.
//!
//! [`register`] adds every function, under the names of
//! [`Function::name`](helpscout_beacon::template::Function::name):
//!
//! ```text
//! {{ beacon_init(user=current_user, nonce=csp_nonce) }}   {# loader, init, config, identify #}
//! {{ beacon_init(logout=true, nonce=csp_nonce) }}         {# after sign-out #}
//! {{ user | beacon_identify(nonce=csp_nonce) }}           {# identify alone #}
//! {{ user.email | beacon_identify(name=user.name) }}      {# arguments replace the user's fields #}
//! {{ beacon_session_data(data, nonce=csp_nonce) }}        {# or data | beacon_session_data, or data=data #}
//! {{ beacon_prefill(form, nonce=csp_nonce) }}             {# or form | beacon_prefill, or form=form #}
//! {{ beacon_logout(endActiveChat=true, nonce=csp_nonce) }}
//! {{ user | beacon_identify(beacon="sales") }}            {# one of several Beacons, by name #}
//! ```
//!
//! With `nonce=` the text is a whole `<script nonce="…">` element; without,
//! the bare script for a `<script>` of your own. Register several Beacons
//! under names with [`Beacons`], or just a
//! [`Signer`](helpscout_beacon::Signer) for identify alone. The output is
//! marked safe, so autoescaping leaves it as it is; bad input is a render
//! error (`ErrorKind::InvalidOperation`) carrying the function's name and
//! the core's message.
//!
//! # MiniJinja 3 and 2
//!
//! The same [`register`] takes the `Environment` of every enabled major:
//! `minijinja3` (the default) and `minijinja2`, for apps on
//! `rocket_dyn_templates`, `axum-template` and other integrations that have
//! not moved to MiniJinja 3. An environment of a major whose feature is off
//! is a compile error that names the feature to enable:
#![cfg_attr(not(feature = "minijinja2"), doc = "```compile_fail,E0277")]
#![cfg_attr(feature = "minijinja2", doc = "```ignore")]
//! # use helpscout_beacon::Signer;
//! let mut env = minijinja2::Environment::new(); // MiniJinja 2, without the `minijinja2` feature
//! helpscout_beacon_minijinja::register(&mut env, Signer::new("secret")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```text
//! error[E0277]: `Environment<'_>` is not a MiniJinja environment of an enabled major
//!   = note: enable the `minijinja2` feature of helpscout-beacon-minijinja for MiniJinja 2
//! ```

#[cfg(any(feature = "minijinja2", feature = "minijinja3"))]
mod adapter;
#[cfg(feature = "minijinja2")]
pub mod minijinja2;
#[cfg(feature = "minijinja3")]
mod minijinja3;

use helpscout_beacon::Beacons;

/// A MiniJinja `Environment` of an enabled major: MiniJinja 3 with the
/// `minijinja3` feature (on by default), MiniJinja 2 with `minijinja2`.
/// Implemented by this crate only; call [`register`].
#[cfg_attr(
    all(feature = "minijinja3", not(feature = "minijinja2")),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a MiniJinja environment of an enabled major",
        label = "a MiniJinja 3 `Environment` is expected here",
        note = "enable the `minijinja2` feature of helpscout-beacon-minijinja for MiniJinja 2"
    )
)]
#[cfg_attr(
    all(feature = "minijinja2", not(feature = "minijinja3")),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a MiniJinja environment of an enabled major",
        label = "a MiniJinja 2 `Environment` is expected here",
        note = "enable the `minijinja3` feature of helpscout-beacon-minijinja for MiniJinja 3"
    )
)]
#[cfg_attr(
    all(feature = "minijinja2", feature = "minijinja3"),
    diagnostic::on_unimplemented(
        message = "`{Self}` is not a MiniJinja environment",
        label = "a MiniJinja 3 or 2 `Environment` is expected here"
    )
)]
#[cfg_attr(
    not(any(feature = "minijinja2", feature = "minijinja3")),
    diagnostic::on_unimplemented(
        message = "helpscout-beacon-minijinja is built without a MiniJinja major",
        note = "enable its `minijinja3` feature for MiniJinja 3, or `minijinja2` for MiniJinja 2"
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

/// Registers every template function in `env`, for `beacons`: one
/// [`Beacon`](helpscout_beacon::Beacon), several
/// [`Beacons`] under names, or a bare
/// [`Signer`](helpscout_beacon::Signer) (identify, session data, prefill
/// and logout, but no `beacon_init`, which needs the Beacon's ID).
///
/// Filters `beacon_identify`, `beacon_session_data` and `beacon_prefill`
/// (the input is the filtered value); functions `beacon_init`,
/// `beacon_logout`, `beacon_session_data` and `beacon_prefill` (the data or
/// form as the first argument, or `data=` / `form=`).
pub fn register(env: &mut impl Engine, beacons: impl Into<Beacons>) {
    env.register_beacons(beacons.into());
}
