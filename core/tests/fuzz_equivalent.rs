//! The stable, CI-sized equivalent of the fuzz targets in `fuzz/`.
//!
//! It runs exactly the fuzz targets' checks (the harness of
//! `helpscout-beacon-test-model`) on proptest's inputs: arbitrary bytes, JSON-shaped documents
//! (nested maps, lists, numbers, strings, booleans and nulls, duplicate keys
//! included, keys biased to Beacon's fields), template arguments after a
//! user, and identities built field by field. It also replays every file
//! under `fuzz/corpus/` and `fuzz/artifacts/` (a crash that `cargo fuzz`
//! found and someone saved there stays a test here).
//!
//! The coverage-guided run itself needs nightly: see `fuzz/README.md`.

use std::path::{Path, PathBuf};

use helpscout_beacon_test_model::harness;
use helpscout_beacon_test_model::model::ARGUMENT_KEYS as KEYS;
use helpscout_beacon_test_model::rules::MAX_SAFE;
use helpscout_beacon_test_model::strategies::{config, hostile_piece};
use helpscout_beacon_test_model::{Json, Model};
use proptest::prelude::*;

// ---------------------------------------------------------------- strategies

/// Short text, or long text (past Beacon's 80-character limit).
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::collection::vec(hostile_piece(), 0..8).prop_map(|p| p.concat()),
        1 => prop::collection::vec(hostile_piece(), 50..110).prop_map(|p| p.concat()),
        1 => "[a-z]{0,6}@[a-z]{1,6}\\.example",
    ]
    .boxed()
}

const OTHER_KEYS: &[&str] = &[
    "signature",
    "password_hash",
    "Email",
    "NAME",
    "plan",
    "seats",
    "bad key",
    "",
    "k-_9",
    "__proto__",
    "endActiveChat",
    "end_active_chat",
];

/// Mostly Beacon's keys, then plausible others, then anything.
fn key() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(KEYS).prop_map(str::to_owned),
        2 => prop::sample::select(OTHER_KEYS).prop_map(str::to_owned),
        1 => text(),
    ]
    .boxed()
}

const MAX_SAFE_I64: i64 = MAX_SAFE as i64;

/// An integer within JavaScript's exact range, or just past it.
fn edge_integer() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -MAX_SAFE_I64..=MAX_SAFE_I64,
        1 => prop::sample::select(vec![-MAX_SAFE_I64 - 1, -MAX_SAFE_I64, MAX_SAFE_I64, MAX_SAFE_I64 + 1]),
    ]
}

fn number() -> impl Strategy<Value = serde_json::Number> {
    prop_oneof![
        any::<i64>().prop_map(serde_json::Number::from),
        any::<u64>().prop_map(serde_json::Number::from),
        edge_integer().prop_map(serde_json::Number::from),
        any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64),
    ]
}

fn leaf() -> BoxedStrategy<Json> {
    prop_oneof![
        1 => Just(Json::Null),
        1 => any::<bool>().prop_map(Json::Bool),
        1 => number().prop_map(Json::Number),
        4 => text().prop_map(Json::String),
    ]
    .boxed()
}

/// Any JSON value, nested a few levels deep.
fn json() -> BoxedStrategy<Json> {
    leaf()
        .prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
                prop::collection::vec((key(), inner), 0..6).prop_map(Json::Object),
            ]
        })
        .boxed()
}

/// A custom attribute key: plain, reserved, bad, or one of few (so that
/// duplicates happen).
fn attribute_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z0-9_-]{1,12}",
        2 => prop::sample::select(&["plan", "seats", "a", "b", "Plan"][..]).prop_map(str::to_owned),
        1 => prop::sample::select(&["email", "Signature", "jobTitle", "AVATAR", "__proto__", "__PROTO__"][..]).prop_map(str::to_owned),
        1 => text(),
    ]
    .boxed()
}

/// An `attributes` map: mostly few entries, sometimes past Beacon's 30.
fn attributes() -> BoxedStrategy<Json> {
    let entries = |range| prop::collection::vec((attribute_key(), leaf()), range);
    prop_oneof![
        4 => entries(0..5),
        1 => entries(28..36),
    ]
    .prop_map(Json::Object)
    .boxed()
}

fn avatar() -> BoxedStrategy<String> {
    let scheme = prop::sample::select(
        &[
            "https://",
            "http://",
            "HTTPS://",
            "ftp://",
            "javascript:",
            "https:///",
            "",
        ][..],
    );
    let host = prop::sample::select(
        &[
            "example.com",
            "cdn.example.org:8443",
            "[::1]",
            "bücher.example",
            "",
            "a\\b",
        ][..],
    );
    let path = prop_oneof![2 => "[A-Za-z0-9/._~%?#=&<>'-]{0,40}".boxed(), 1 => text()];
    (scheme, host, path)
        .prop_map(|(scheme, host, path)| format!("{scheme}{host}/{path}"))
        .boxed()
}

/// A value for `key`: mostly the type the field takes, sometimes anything.
fn value_for(key: &str) -> BoxedStrategy<Json> {
    let string = match key {
        "attributes" => return prop_oneof![4 => attributes(), 1 => json()].boxed(),
        "avatar" => avatar().prop_map(Json::String).boxed(),
        "nonce" => prop_oneof![
            "[A-Za-z0-9+/_-]{1,22}={0,3}".prop_map(Json::String),
            text().prop_map(Json::String),
        ]
        .boxed(),
        _ => text().prop_map(Json::String).boxed(),
    };
    prop_oneof![5 => string, 1 => Just(Json::Null), 1 => json()].boxed()
}

/// A user map or template arguments: entries in any order, keys repeated.
fn document() -> BoxedStrategy<Json> {
    let entry = key().prop_flat_map(|key| {
        let value = value_for(&key);
        (Just(key), value)
    });
    prop_oneof![
        8 => prop::collection::vec(entry, 0..9).prop_map(Json::Object),
        1 => text().prop_map(Json::String),
        1 => json(),
    ]
    .boxed()
}

fn attribute_value() -> impl Strategy<Value = Option<Json>> {
    prop_oneof![
        3 => text().prop_map(|s| Some(Json::String(s))),
        2 => edge_integer().prop_map(|n| Some(Json::Number(n.into()))),
        1 => any::<i64>().prop_map(|n| Some(Json::Number(n.into()))),
        1 => any::<u64>().prop_map(|n| Some(Json::Number(n.into()))),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Json::Number)),
        1 => any::<bool>().prop_map(|b| Some(Json::Bool(b))),
    ]
}

/// An identity field by field, as the structure-aware target builds one.
fn model() -> impl Strategy<Value = Model> {
    let attribute_entries = prop_oneof![
        4 => prop::collection::vec((attribute_key(), attribute_value()), 0..5),
        1 => prop::collection::vec((attribute_key(), attribute_value()), 28..36),
    ];
    (
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(avatar()),
        attribute_entries,
    )
        .prop_map(|(email, name, company, job_title, avatar, entries)| Model {
            email,
            name,
            company,
            job_title,
            avatar,
            attributes: entries
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect(),
        })
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config(1500))]

    /// Any bytes at all (mostly not JSON: the error paths).
    #[test]
    fn arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..200)) {
        harness::check_bytes(&data);
    }

    /// Bytes that are almost JSON: a document with one byte changed.
    #[test]
    fn mutated_documents(doc in document(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut data = doc.to_text().into_bytes();
        if !data.is_empty() {
            let i = at.index(data.len());
            data[i] = byte;
        }
        harness::check_bytes(&data);
    }
}

proptest! {
    #![proptest_config(config(1200))]

    /// One JSON document, read both as the user and as template arguments.
    #[test]
    fn json_documents(doc in document()) {
        harness::check_bytes(doc.to_text().as_bytes());
    }

    /// A user, then template arguments, split by the 0xFF byte.
    #[test]
    fn user_then_arguments(user in document(), args in document()) {
        let mut data = user.to_text().into_bytes();
        data.push(0xFF);
        data.extend_from_slice(args.to_text().as_bytes());
        harness::check_bytes(&data);
    }

    /// An identity built with the builder, a secret and a nonce.
    #[test]
    fn built_identities(
        model in model(),
        secret in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..40),
            // Text, whitespace at either end included.
            text().prop_map(String::into_bytes),
        ],
        nonce in prop::option::of(prop_oneof!["[A-Za-z0-9+/=_-]{1,22}={0,3}", text()]),
    ) {
        harness::check_built(&secret, &model, nonce.as_deref());
    }

    /// The structure-aware target's own decoder on arbitrary bytes.
    #[test]
    fn built_from_bytes(data in prop::collection::vec(any::<u8>(), 0..300)) {
        harness::check_built_bytes(&data);
    }
}

// -------------------------------------------------------------------- replay

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every saved input, through both targets' checks (each takes any bytes).
#[test]
fn replay_fuzz_corpus_and_artifacts() {
    let corpus = fuzz_dir().join("corpus");
    let mut files = Vec::new();
    files_under(&corpus, &mut files);
    assert!(
        files.len() >= 10,
        "the seed corpus in {} is missing",
        corpus.display()
    );
    files_under(&fuzz_dir().join("artifacts"), &mut files);
    files.sort();
    for file in files {
        let data = std::fs::read(&file).expect("a readable file");
        eprintln!("replaying {}", file.display());
        harness::check_bytes(&data);
        harness::check_built_bytes(&data);
    }
}
