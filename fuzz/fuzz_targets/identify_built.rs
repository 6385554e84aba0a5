//! Structure-aware: the bytes are decoded (by `decode_built`, without JSON)
//! into a secret, every field and custom attribute of an identity and a
//! nonce; the identity is built with the builder and goes through
//! `Signer::identify`, `script_tag`, `template::render` and a JSON round
//! trip. See `test-model/src/harness.rs` for the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| helpscout_beacon_test_model::harness::check_built_bytes(data));
