//! Bytes as JSON: `Identity` and `Option<Identity>` deserialization,
//! validation under both limit policies, `Signer::identify`, `script_tag`,
//! `template::render` (user and arguments read from the bytes) and
//! `template::render_logout`. A `0xFF` byte (never in valid JSON) splits the
//! input into the user and the template arguments; without one, the whole
//! input is tried as both. See `test-model/src/harness.rs` for the
//! invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| helpscout_beacon_test_model::harness::check_bytes(data));
