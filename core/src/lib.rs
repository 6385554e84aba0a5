//! Help Scout's Beacon for Rust web apps, in Secure Mode: the whole widget
//! for a signed-in page (loader, `init`, `config` and the signed, script-safe
//! `identify` call) from a Beacon ID, a secret key and a user.
//!
//! ```
//! use helpscout_beacon::{Beacon, Identity, Signer};
//!
//! // Once, at start-up: the Beacon's ID and its Secure Mode key (here: Help
//! // Scout's own example key), from configuration, never from a template.
//! let beacon = Beacon::new("0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d", Signer::new("secret_key_from_beacon_config")?)?;
//!
//! // Per page: one element, under the response's CSP nonce.
//! let user = Identity::new("email@email.com").name("Jane </script> Doe");
//! let html = beacon.init_script(Some(&user))?.script_tag(Some("r4nd0mN0nce"))?;
//! assert!(html.starts_with(r#"<script nonce="r4nd0mN0nce">!function(e,t,n){"#));
//! assert!(html.ends_with(concat!(
//!     "window.Beacon('init', '0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d');",
//!     r#"window.Beacon('identify', {"name":"Jane\u0020\u003c\u002fscript\u003e\u0020Doe","#,
//!     r#""email":"email@email.com","#,
//!     r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#,
//! )));
//! # Ok::<(), helpscout_beacon::Error>(())
//! ```
//!
//! Beacon's Secure Mode wants `signature`, the lower-case hex HMAC-SHA256 of
//! the user's email keyed with the Beacon's secret, so that nobody can read
//! another customer's conversations by calling `identify` with their email.
//! This crate makes the safe way the only way:
//!
//! - the email that is signed is byte for byte the email that is emitted;
//! - the output is ASCII only and every string is escaped for an HTML
//!   `<script>` element (see [`IdentifyCall`]), so no name can close the
//!   script or break the JavaScript string, whatever encoding the page is
//!   decoded in;
//! - Beacon's length limits, counted in UTF-16 code units as Beacon counts
//!   them, are applied by [`LimitPolicy`], not silently by Beacon;
//! - the key never shows in `Debug`, `Display` or an error.
//!
//! The parts one by one: [`Signer::identify`] (the identify call alone),
//! [`SessionData`], [`Prefill`], [`LogoutCall`], [`Beacons`] (several
//! Beacons under names), [`csp`] (nonces, the policy Help Scout recommends,
//! script hashes) and [`Signer::signed_identity`] (the signed identity as
//! JSON, for single-page apps). The template engines get the same through
//! their adapter crates (`helpscout-beacon-tera`,
//! `helpscout-beacon-minijinja`, `helpscout-beacon-handlebars`), which all go
//! through [`template::render_call`].

// The modules in the order the data flows. (Each has a comment of its own,
// which also keeps rustfmt from sorting them by name.)
//
// Input: the user, session data and form as the app builds them in code...
mod data;
mod identity;
// ...or as serde reads them from a `User` or a template's values.
mod deserialize;
// Validation against Beacon's limits.
mod validate;
// Signing: the one place that touches the secret key.
mod signer;
// Script-safe JSON: the one escaper.
mod json;
// Script text: each call, and the `<script>` element around it.
mod call;
// The whole Beacon: loader, init, config; several under names.
mod beacon;
// Content Security Policy: nonce, policy, hashes.
pub mod csp;
// What the template adapters call.
pub mod template;
// The one error type, used by all of the above.
mod error;

pub use beacon::{Beacon, Beacons, LOADER};
pub use call::{IdentifyCall, LogoutCall, Script, SignedIdentity};
pub use data::{FieldValue, Prefill, SESSION_DATA_LIMIT, SessionData};
pub use error::{Error, Field};
pub use identity::{AttributeValue, Identity};
pub use signer::{SECRET_ENV_VAR, Signature, Signer};
pub use validate::{LimitPolicy, limits};
