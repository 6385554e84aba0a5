//! Deterministic random identities: arbitrary Unicode, biased toward the
//! characters and fragments that break script elements, JavaScript strings
//! and JSON encoders. Every identity is valid under the default policy.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value};

use helpscout_beacon_test_model::hostile::{CHARS as HOSTILE_CHARS, FRAGMENTS};
use helpscout_beacon_test_model::rules::RESERVED;

/// Characters allowed in a custom attribute key.
const KEY_CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Z', '0', '1', '2', '9', '_', '-', 'e', 'm', 'i', 'l', 'n',
];

/// One character: a hostile one, any Unicode scalar value, or a letter.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => select(HOSTILE_CHARS),
        3 => any::<char>(),
        3 => proptest::char::range('a', 'z'),
    ]
}

/// A string of up to `max` characters: hostile characters, corpus
/// fragments between them, or one unit repeated to around a limit.
fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    let chars = vec(any_char(), 0..=max).prop_map(|c| c.into_iter().collect::<String>());
    let fragments = vec(
        prop_oneof![
            select(FRAGMENTS).prop_map(str::to_owned),
            any_char().prop_map(String::from)
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat());
    let long = (
        select(&["a", "é", "😀", "<", "\u{2028}", "\\", "e\u{301}", "\0"][..]),
        select(&[59, 60, 61, 79, 80, 81, 160][..]),
    )
        .prop_map(|(unit, n): (&str, usize)| unit.repeat(n));
    prop_oneof![5 => chars, 3 => fragments, 1 => long]
}

/// A valid avatar: an http(s) URL of at most 200 UTF-16 code units whose path
/// holds hostile characters (never whitespace or controls, which Beacon's
/// rules refuse in a URL).
fn avatar() -> impl Strategy<Value = String> {
    let base = select(
        &[
            "https://example.com/",
            "http://example.com/",
            "https://exämple.com/ü/",
            "https://127.0.0.1:8080/",
            "HTTPS://EXAMPLE.COM/",
        ][..],
    );
    let path = vec(
        any_char().prop_map(|c| {
            if c.is_whitespace() || c.is_control() {
                '~'
            } else {
                c
            }
        }),
        0..200,
    );
    (base, path).prop_map(|(base, path)| {
        let mut avatar = base.to_owned();
        for c in path {
            if avatar.encode_utf16().count() + c.len_utf16() > 200 {
                break;
            }
            avatar.push(c);
        }
        avatar
    })
}

/// An attribute key: 1 to 64 key characters, not a Beacon field name.
fn attribute_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(select(KEY_CHARS), 1..=64).prop_map(|c| c.into_iter().collect::<String>()),
        1 => (0u32..1000).prop_map(|n| n.to_string()),
    ]
    .prop_map(|k| {
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&k)) {
            format!("x-{k}")
        } else {
            k
        }
    })
}

/// An attribute value: a string, a number or a boolean (or `null`, which
/// means absent).
fn attribute_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        5 => hostile_string(40).prop_map(Value::String),
        1 => any::<i32>().prop_map(Value::from),
        1 => (-1e6f64..1e6).prop_map(Value::from),
        1 => select(&[0.5, -0.0, 1e300, 5e-324, 9007199254740991.0][..]).prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::from),
        1 => Just(Value::Null),
    ]
}

/// An optional string field: absent, `null`, or a hostile string.
fn optional(max: usize) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(Value::Null)),
        5 => hostile_string(max).prop_map(|s| Some(Value::String(s))),
    ]
}

/// A user map: a non-empty email, optional name, company, jobTitle and
/// avatar, up to 30 custom attributes, and keys that must be ignored.
pub fn user() -> impl Strategy<Value = Value> {
    let email = prop_oneof![
        8 => hostile_string(40).prop_map(|s| if s.is_empty() { "\0".to_owned() } else { s }),
        1 => hostile_string(40).prop_map(|s| format!("{s}@example.com")),
        1 => vec(select(FRAGMENTS), 1..80).prop_map(|parts| parts.concat()),
    ];
    let attributes = prop_oneof![
        6 => Just(None),
        1 => Just(Some(Value::Null)),
        4 => vec((attribute_key(), attribute_value()), 0..5)
            .prop_map(|a| Some(Value::Object(a.into_iter().collect()))),
        1 => vec((attribute_key(), attribute_value()), 25..=30)
            .prop_map(|a| Some(Value::Object(a.into_iter().collect()))),
    ];
    let avatar = prop_oneof![3 => Just(None), 1 => Just(Some(Value::Null)), 2 => avatar().prop_map(|a| Some(Value::String(a)))];
    let ignored = prop_oneof![2 => Just(None), 1 => hostile_string(20).prop_map(Some)];
    (
        email,
        optional(100),
        optional(80),
        optional(80),
        avatar,
        attributes,
        ignored,
    )
        .prop_map(
            |(email, name, company, job_title, avatar, attributes, ignored)| {
                let mut user = Map::new();
                user.insert("email".into(), Value::String(email));
                let optional = [
                    ("name", name),
                    ("company", company),
                    ("jobTitle", job_title),
                    ("avatar", avatar),
                    ("attributes", attributes),
                ];
                for (key, value) in optional {
                    if let Some(value) = value {
                        user.insert(key.into(), value);
                    }
                }
                if let Some(secret) = ignored {
                    user.insert("password_hash".into(), Value::String(secret.clone()));
                    user.insert("nonce".into(), Value::String(secret));
                }
                Value::Object(user)
            },
        )
}

/// `count` user maps from [`user`], the same for the same `seed`.
pub fn users(seed: u8, count: usize) -> Vec<Value> {
    // XorShift: ChaCha is eight times slower in a debug build.
    let bytes: [u8; 16] = std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8) | 1);
    let rng = TestRng::from_seed(RngAlgorithm::XorShift, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = user();
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("a user map")
                .current()
        })
        .collect()
}
