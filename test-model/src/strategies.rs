//! What the property tests share: proptest's configuration and hostile
//! pieces of text to string together.

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::hostile::SNIPPETS;

/// `cases` per property, and no regression files written next to the tests.
pub fn config(cases: u32) -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    }
}

/// One of [`SNIPPETS`] (half the time), a C0 control, or any character.
/// (Picked by number rather than with `prop_oneof!`, which is several times
/// slower to generate.)
pub fn hostile_piece() -> impl Strategy<Value = String> {
    (0usize..6, 0..SNIPPETS.len(), 0u8..0x20, any::<char>()).prop_map(
        |(kind, snippet, control, c)| match kind {
            0..=2 => SNIPPETS[snippet].to_owned(),
            3 => char::from(control).to_string(),
            _ => c.to_string(),
        },
    )
}
