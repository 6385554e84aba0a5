//! Bytes as JSON: `Identity`, `Option<Identity>` and `TemplateArgs`
//! deserialization, validation under both limit policies, `Signer::identify`,
//! `script_tag` and `template::render`. A `0xFF` byte (never in valid JSON)
//! splits the input into the user and the template arguments; without one,
//! the whole input is tried as both. See `src/lib.rs` for the invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| helpscout_beacon_fuzz::check_bytes(data));
