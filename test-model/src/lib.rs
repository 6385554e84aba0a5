//! The tests' second opinion on `helpscout-beacon`: what the core should do,
//! worked out without it. Every test of the workspace that checks the
//! core's output against an expectation takes the expectation from here, so
//! a rule is restated once.
//!
//! - [`rules`]: Beacon's limits (name 80, company and jobTitle 60, avatar 200,
//!   all in UTF-16 code units; 30 attributes; keys of 1 to 64 of
//!   `A-Za-z0-9_-`, not reserved; integers within ±(2^53 - 1)), the
//!   truncation rule (cut at the last extended grapheme cluster boundary
//!   within the limit), the avatar rule, the nonce grammar, and the
//!   signature (HMAC-SHA256 through `hmac::SimpleHmac`, not the core's
//!   block-level `HmacCore`);
//! - [`escape`]: the escaping rule, and the call's text for given entries;
//! - [`hostile`]: the hostile corpus, and escapes written by hand;
//! - [`json`]: a JSON reader that keeps key order and duplicate keys;
//! - [`model`]: what a user map or template arguments read as, and the call
//!   the default policy makes of a user;
//! - `harness` (feature `harness`): the fuzz targets' checks, which run the
//!   core and compare it with the model. Only this module depends on the
//!   core; without the feature the crate cannot name it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod escape;
#[cfg(feature = "harness")]
pub mod harness;
pub mod hostile;
pub mod json;
pub mod model;
pub mod rules;
#[cfg(feature = "strategies")]
pub mod strategies;

pub use json::Json;
pub use model::{ArgsModel, Model};
