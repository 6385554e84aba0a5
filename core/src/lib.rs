//! Help Scout Beacon's Secure Mode for Rust web apps: a signed, script-safe
//! `window.Beacon('identify', …)` call from a secret key and a user.
//!
//! ```
//! use helpscout_beacon::{Identity, Signer};
//!
//! // The key from the Beacon's Secure Mode settings (here: Help Scout's own example key).
//! let signer = Signer::new("secret_key_from_beacon_config")?;
//! let user = Identity::new("email@email.com").name("Jane </script> Doe");
//! let call = signer.identify(&user)?;
//! assert_eq!(
//!     call.to_string(),
//!     concat!(
//!         r#"window.Beacon('identify', {"name":"Jane\u0020\u003c\u002fscript\u003e\u0020Doe","#,
//!         r#""email":"email@email.com","#,
//!         r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});"#,
//!     )
//! );
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
//! The template engines get the same through their adapter crates
//! (`helpscout-beacon-tera`, `helpscout-beacon-minijinja`,
//! `helpscout-beacon-handlebars`), which all go through [`template::render`]
//! or [`template::render_with`].

// In the order the data flows: input, validation, signing, JSON, script
// text; then the adapters' entry points and the one error type.
mod call;
mod deserialize;
mod error;
mod identity;
mod json;
mod signer;
pub mod template;
mod validate;

pub use call::{IdentifyCall, LogoutCall};
pub use error::{Error, Field};
pub use identity::{AttributeValue, Identity};
pub use signer::{SECRET_ENV_VAR, Signature, Signer};
pub use validate::{LimitPolicy, limits};
