//! Properties of the identify call over arbitrary Unicode.
//!
//! Every expectation is computed independently of the crate, with the
//! test model (`helpscout-beacon-test-model`): the truncation from the rule
//! (lengths in UTF-16 code units, cut at the last extended grapheme cluster
//! boundary that fits), the avatar rule, the signature through `hmac`'s
//! `SimpleHmac`; here, the key order by sorting the input, and the
//! object's entries by a small scanner over the emitted text (serde_json has
//! no `preserve_order` here, so a parsed `Map` cannot tell the order).

use helpscout_beacon::template;
use helpscout_beacon::{AttributeValue, Error, Field, Identity, LimitPolicy, Signer};
use helpscout_beacon_test_model::escape::{PREFIX, SUFFIX, assert_script_safe};
use helpscout_beacon_test_model::model::USER_KEYS as KNOWN_KEYS;
use helpscout_beacon_test_model::rules::{
    AVATAR_LIMIT, COMPANY_LIMIT, JOB_TITLE_LIMIT, MAX_SAFE, NAME_LIMIT, RESERVED, avatar_kept,
    signature, truncate as truncated, utf16_len,
};
use helpscout_beacon_test_model::strategies::{config, hostile_piece};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use unicode_segmentation::UnicodeSegmentation;

const SECRET: &str = "secret_key_from_beacon_config";

// ---------------------------------------------------------------- strategies

fn hostile_string(max_pieces: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_piece(), 0..max_pieces).prop_map(|pieces| pieces.concat())
}

/// Arbitrary Unicode, short and long (past every limit), plain and hostile.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        hostile_string(40),
        prop::collection::vec(any::<char>(), 0..130).prop_map(String::from_iter),
    ]
    .boxed()
}

fn email() -> impl Strategy<Value = String> {
    text().prop_filter("an email is not empty", |e| !e.is_empty())
}

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// `[A-Za-z0-9_-]{1,64}`, minus Beacon's field names in any case. Short keys
/// are frequent, so that keys sharing a prefix test the sort order.
fn attribute_key() -> impl Strategy<Value = String> {
    let letter = 0..KEY_ALPHABET.len();
    let key = |indices: Vec<usize>| -> String {
        indices
            .into_iter()
            .map(|i| char::from(KEY_ALPHABET[i]))
            .collect()
    };
    prop_oneof![
        prop::collection::vec(letter.clone(), 1..=64).prop_map(key),
        prop::collection::vec(letter.clone(), 1..=3).prop_map(key),
        prop::collection::vec(letter, 64).prop_map(key),
    ]
    .prop_filter("not a Beacon field name", |k| {
        !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(k))
    })
}

/// An attribute value as the test knows it, so floats can be compared by bits.
#[derive(Debug, Clone)]
enum Val {
    Str(String),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
}

impl Val {
    fn to_attribute(&self) -> AttributeValue {
        match self {
            Val::Str(s) => s.as_str().into(),
            Val::Int(i) => (*i).into(),
            Val::UInt(u) => (*u).into(),
            Val::Float(f) => AttributeValue::from_f64(*f).expect("finite"),
            Val::Bool(b) => (*b).into(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Val::Str(s) => Value::String(s.clone()),
            Val::Int(i) => Value::from(*i),
            Val::UInt(u) => Value::from(*u),
            Val::Float(f) => Value::Number(serde_json::Number::from_f64(*f).expect("finite")),
            Val::Bool(b) => Value::Bool(*b),
        }
    }
}

/// An integer JavaScript reads exactly (within ±(2^53 - 1)), the edges
/// often.
fn safe_i64() -> impl Strategy<Value = i64> {
    let max = MAX_SAFE as i64;
    prop_oneof![
        3 => -max..=max,
        1 => prop::sample::select(vec![-max, -max + 1, -1, 0, 1, max - 1, max]),
    ]
}

fn value() -> impl Strategy<Value = Val> {
    prop_oneof![
        3 => text().prop_map(Val::Str),
        1 => safe_i64().prop_map(Val::Int),
        1 => safe_i64().prop_map(|i| Val::UInt(i.unsigned_abs())),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Val::Float),
        1 => any::<bool>().prop_map(Val::Bool),
    ]
}

/// A valid http(s) avatar of at most 200 UTF-16 code units whose path is
/// arbitrary Unicode except whitespace and controls (which make a URL
/// invalid).
fn avatar() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(&["http://", "https://", "HTTPS://", "hTtP://"][..]);
    let host = prop::sample::select(
        &[
            "example.com",
            "cdn.example.org:8443",
            "127.0.0.1",
            "[::1]",
            "bücher.example",
            "xn--bcher-kva.example",
        ][..],
    );
    const PUNCTUATION: &[u8] = b"<>&'\"\\`{}|^%#?@:/;=+$,[]!*()~";
    let path_char = (0..5, 0..PUNCTUATION.len(), any::<char>()).prop_map(|(kind, p, c)| {
        if kind < 2 {
            char::from(PUNCTUATION[p])
        } else if c.is_whitespace() || c.is_control() {
            // These make the URL invalid: not what this strategy is for.
            '~'
        } else {
            c
        }
    });
    (scheme, host, prop::collection::vec(path_char, 0..170)).prop_map(|(scheme, host, path)| {
        let url = format!("{scheme}{host}/{}", String::from_iter(path));
        let mut units = 0;
        url.chars()
            .take_while(|c| {
                units += c.len_utf16();
                units <= AVATAR_LIMIT
            })
            .collect()
    })
}

#[derive(Debug, Clone)]
struct Input {
    email: String,
    name: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
    avatar: Option<String>,
    /// Unique keys, in a random order (not the emitted one).
    attributes: Vec<(String, Val)>,
}

impl Input {
    fn identity(&self) -> Identity {
        let mut identity = Identity::new(self.email.clone());
        if let Some(name) = &self.name {
            identity = identity.name(name.clone());
        }
        if let Some(company) = &self.company {
            identity = identity.company(company.clone());
        }
        if let Some(job_title) = &self.job_title {
            identity = identity.job_title(job_title.clone());
        }
        if let Some(avatar) = &self.avatar {
            identity = identity.avatar(avatar.clone());
        }
        for (key, value) in &self.attributes {
            identity = identity.attribute(key.clone(), value.to_attribute());
        }
        identity
    }

    fn strings(&self) -> impl Iterator<Item = &str> {
        let fields = [&self.name, &self.company, &self.job_title, &self.avatar];
        std::iter::once(self.email.as_str())
            .chain(fields.into_iter().flatten().map(String::as_str))
            .chain(self.attributes.iter().flat_map(|(k, v)| {
                let value = match v {
                    Val::Str(s) => Some(s.as_str()),
                    _ => None,
                };
                std::iter::once(k.as_str()).chain(value)
            }))
    }
}

fn input() -> impl Strategy<Value = Input> {
    (
        email(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(avatar()),
        // Mostly a few attributes, often many (up to Beacon's 30).
        prop_oneof![
            3 => prop::collection::btree_map(attribute_key(), value(), 0..=4),
            1 => prop::collection::btree_map(attribute_key(), value(), 5..=30),
        ]
        .prop_map(|m| m.into_iter().collect::<Vec<_>>())
        .prop_shuffle(),
    )
        .prop_map(
            |(email, name, company, job_title, avatar, attributes)| Input {
                email,
                name,
                company,
                job_title,
                avatar,
                attributes,
            },
        )
}

// ------------------------------------------------------ an independent reader

/// One value of the flat identify object, as it appears in the text.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Str(String),
    /// The number's text, exactly as emitted.
    Num(String),
    Bool(bool),
}

/// Reads a JSON string starting at `start` (a `"`): the decoded string (by
/// serde_json) and the index just past its closing quote.
fn string_at(json: &str, start: usize) -> (String, usize) {
    let bytes = json.as_bytes();
    assert_eq!(bytes[start], b'"', "a string at {start} in {json}");
    let mut i = start + 1;
    loop {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => break,
            _ => i += 1,
        }
    }
    let decoded = serde_json::from_str(&json[start..=i])
        .unwrap_or_else(|e| panic!("{:?} is not a JSON string: {e}", &json[start..=i]));
    (decoded, i + 1)
}

/// The entries of a flat JSON object in the order they are written.
fn entries(json: &str) -> Vec<(String, Scalar)> {
    let bytes = json.as_bytes();
    assert_eq!(bytes.first(), Some(&b'{'), "{json}");
    let mut i = 1;
    let mut out = Vec::new();
    loop {
        let (key, next) = string_at(json, i);
        i = next;
        assert_eq!(bytes[i], b':', "a colon after {key:?} in {json}");
        i += 1;
        let value = match bytes[i] {
            b'"' => {
                let (s, next) = string_at(json, i);
                i = next;
                Scalar::Str(s)
            }
            b't' if json[i..].starts_with("true") => {
                i += 4;
                Scalar::Bool(true)
            }
            b'f' if json[i..].starts_with("false") => {
                i += 5;
                Scalar::Bool(false)
            }
            _ => {
                let start = i;
                while !matches!(bytes[i], b',' | b'}') {
                    i += 1;
                }
                Scalar::Num(json[start..i].to_owned())
            }
        };
        out.push((key, value));
        match bytes[i] {
            b',' => i += 1,
            b'}' => {
                assert_eq!(i, bytes.len() - 1, "text after the object in {json}");
                return out;
            }
            other => panic!("{:?} after an entry in {json}", char::from(other)),
        }
    }
}

/// What the object must hold, in order, computed from the input alone.
fn expected_entries(input: &Input, signature: &str) -> Vec<(String, Val)> {
    let truncated = |s: &String, n: usize| Val::Str(truncated(s, n));
    let mut expected = Vec::new();
    if let Some(name) = &input.name {
        expected.push(("name".to_owned(), truncated(name, NAME_LIMIT)));
    }
    expected.push(("email".to_owned(), Val::Str(input.email.clone())));
    if let Some(company) = &input.company {
        expected.push(("company".to_owned(), truncated(company, COMPANY_LIMIT)));
    }
    if let Some(job_title) = &input.job_title {
        expected.push(("jobTitle".to_owned(), truncated(job_title, JOB_TITLE_LIMIT)));
    }
    if let Some(avatar) = &input.avatar {
        expected.push(("avatar".to_owned(), Val::Str(avatar.clone())));
    }
    let mut attributes = input.attributes.clone();
    attributes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    expected.extend(attributes);
    expected.push(("signature".to_owned(), Val::Str(signature.to_owned())));
    expected
}

fn matches(actual: &Scalar, expected: &Val) -> bool {
    match (actual, expected) {
        (Scalar::Str(a), Val::Str(e)) => a == e,
        (Scalar::Bool(a), Val::Bool(e)) => a == e,
        (Scalar::Num(a), Val::Int(e)) => *a == e.to_string(),
        (Scalar::Num(a), Val::UInt(e)) => *a == e.to_string(),
        // Rust's parser rounds correctly, so the bits must come back.
        (Scalar::Num(a), Val::Float(e)) => a.parse::<f64>().map(f64::to_bits) == Ok(e.to_bits()),
        _ => false,
    }
}

fn json_part(text: &str) -> &str {
    assert!(text.starts_with(PREFIX), "prefix of {text:?}");
    assert!(text.ends_with(SUFFIX), "suffix of {text:?}");
    &text[PREFIX.len()..text.len() - SUFFIX.len()]
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config(3000))]

    /// (a) Nothing in the object can end the script element, open a comment,
    /// break a single-quoted JS string, end a JS line, start a template
    /// substitution or an HTML attribute; the text is ASCII.
    #[test]
    fn a_call_text_is_script_safe(input in input()) {
        let call = Signer::new(SECRET).unwrap().identify(&input.identity()).unwrap();
        let text = call.to_string();
        let json = json_part(&text);
        prop_assert_eq!(json, call.json());
        assert_script_safe(json);
        prop_assert!(text.is_ascii(), "not ASCII: {:?}", text);
        prop_assert!(!text.chars().any(|c| c < '\u{20}'), "raw control in {:?}", text);
        let lower = text.to_ascii_lowercase();
        for bad in ["</script", "<!--", "<script"] {
            prop_assert!(!lower.contains(bad));
        }
        // The only single quotes are the two of the prefix.
        prop_assert_eq!(text.matches('\'').count(), 2);
    }

    /// (b) The object reads back as the input, after the default truncation,
    /// in Beacon's field order with the attributes sorted by key.
    #[test]
    fn b_object_reads_back_as_the_input_in_order(input in input()) {
        let call = Signer::new(SECRET).unwrap().identify(&input.identity()).unwrap();
        let signature = signature(SECRET.as_bytes(), &input.email);
        let expected = expected_entries(&input, &signature);

        // In order, through our own scanner.
        let actual = entries(call.json());
        prop_assert_eq!(actual.len(), expected.len(), "{}", call.json());
        for ((key, value), (expected_key, expected_value)) in actual.iter().zip(&expected) {
            prop_assert_eq!(key, expected_key);
            prop_assert!(matches(value, expected_value),
                "{}: {:?} is not {:?}", key, value, expected_value);
        }

        // Field by field, through serde_json.
        let map: Map<String, Value> = serde_json::from_str(call.json()).unwrap();
        prop_assert_eq!(map.len(), expected.len());
        for (key, expected_value) in &expected {
            let found = &map[key.as_str()];
            match expected_value {
                Val::Float(_) => prop_assert!(found.is_f64(), "{}: {:?}", key, found),
                other => prop_assert_eq!(found, &other.to_json(), "{}", key),
            }
        }
    }
}

proptest! {
    #![proptest_config(config(5000))]

    /// (c) The signature is HMAC-SHA256 of exactly the emitted email, for any
    /// key (shorter and longer than SHA-256's 64-byte block) and any email.
    #[test]
    fn c_signature_is_the_hmac_of_the_emitted_email(
        secret in prop_oneof![
            prop::collection::vec(any::<u8>(), 1..150),
            text().prop_filter("a key is not empty", |s| !s.is_empty()).prop_map(String::into_bytes),
        ],
        email in email(),
    ) {
        // `new` refuses a key with leading or trailing whitespace (Unicode's
        // for text, ASCII's and the vertical tab for other bytes); `new_exact`
        // takes every non-empty key as it is.
        let padded = match std::str::from_utf8(&secret) {
            Ok(text) => text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace),
            Err(_) => {
                let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
                secret.first().is_some_and(space) || secret.last().is_some_and(space)
            }
        };
        prop_assert_eq!(Signer::new(&secret).err(), padded.then_some(Error::PaddedSecret));
        let signer = Signer::new_exact(&secret).unwrap();
        let call = signer.identify(&Identity::new(email.clone())).unwrap();
        let expected = signature(&secret, &email);
        let entries = entries(call.json());
        prop_assert_eq!(entries.len(), 2);
        prop_assert_eq!(&entries[0], &("email".to_owned(), Scalar::Str(email.clone())));
        prop_assert_eq!(&entries[1], &("signature".to_owned(), Scalar::Str(expected.clone())));
        prop_assert_eq!(call.signature().as_str(), expected.as_str());
        prop_assert_eq!(signer.sign(&email).to_string(), expected.clone());
        prop_assert!(signer.verify(&email, &expected));
        prop_assert!(!signer.verify(&email, &expected.to_ascii_uppercase())
            || !expected.bytes().any(|b| b.is_ascii_alphabetic()));
        prop_assert!(!signer.verify(&email, &expected[..63]));
        let longer = format!("{email}x");
        prop_assert!(!signer.verify(&longer, &expected));
    }
}

/// A string of exactly `n` UTF-16 code units, heavy in multi-byte and
/// astral characters so that bytes, characters and code units differ, and
/// in combining marks, joiners and regional indicators so that grapheme
/// clusters span several characters. It is filled up with `a` when an astral
/// character would not fit.
fn units_exactly(n: usize) -> impl Strategy<Value = String> {
    const SOME: [char; 9] = [
        'a',
        '<',
        'é',
        '\u{2028}',
        '😀',
        '\u{301}',
        '\u{200d}',
        '🇫',
        '\u{1f3fd}',
    ];
    let c = (0..SOME.len() + 1, any::<char>()).prop_map(|(i, c)| SOME.get(i).copied().unwrap_or(c));
    prop::collection::vec(c, n).prop_map(move |chars| {
        let mut out = String::new();
        let mut units = 0;
        for c in chars {
            if units + c.len_utf16() > n {
                break;
            }
            units += c.len_utf16();
            out.push(c);
        }
        out.extend(std::iter::repeat_n('a', n - units));
        out
    })
}

fn within(limit: usize) -> impl Strategy<Value = Option<String>> {
    prop::option::of((0..=limit).prop_flat_map(units_exactly))
}

/// One of name, company, jobTitle at `limit - 3 ..= limit + 3` UTF-16 code
/// units, the other two within their limits.
fn around_a_limit() -> impl Strategy<Value = (usize, usize, Input)> {
    (0usize..3, 0usize..=6, email())
        .prop_flat_map(|(which, delta, email)| {
            let limit = [NAME_LIMIT, COMPANY_LIMIT, JOB_TITLE_LIMIT][which];
            let length = limit - 3 + delta;
            (
                Just(which),
                Just(length),
                units_exactly(length),
                within(NAME_LIMIT),
                within(COMPANY_LIMIT),
                within(JOB_TITLE_LIMIT),
                Just(email),
            )
        })
        .prop_map(|(which, length, value, name, company, job_title, email)| {
            let mut input = Input {
                email,
                name,
                company,
                job_title,
                avatar: None,
                attributes: Vec::new(),
            };
            *[&mut input.name, &mut input.company, &mut input.job_title][which] = Some(value);
            (which, length, input)
        })
}

proptest! {
    #![proptest_config(config(4000))]

    /// (d) The strict policy refuses exactly the over-limit field, with its
    /// limit and length in UTF-16 code units, and passes anything at the
    /// limit through unaltered.
    #[test]
    fn d_strict_policy_refuses_over_limit_fields((which, length, input) in around_a_limit()) {
        let (field, limit, wire) = [
            (Field::Name, NAME_LIMIT, "name"),
            (Field::Company, COMPANY_LIMIT, "company"),
            (Field::JobTitle, JOB_TITLE_LIMIT, "jobTitle"),
        ][which].clone();
        let strict = Signer::new(SECRET).unwrap().with_policy(LimitPolicy::Strict);
        prop_assert_eq!(strict.policy(), LimitPolicy::Strict);
        let result = strict.identify(&input.identity());
        let value = [&input.name, &input.company, &input.job_title][which].clone().unwrap();
        prop_assert_eq!(utf16_len(&value), length);
        if length > limit {
            let error = result.unwrap_err();
            prop_assert_eq!(&error, &Error::TooLong { field, limit, length });
            let message = error.to_string();
            prop_assert!(message.starts_with(&format!("{wire}: ")), "{}", message);
            prop_assert!(message.contains(&limit.to_string()), "{}", message);
            prop_assert!(message.contains(&length.to_string()), "{}", message);
            prop_assert_eq!(
                message,
                format!("{wire}: at most {limit} characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found {length}")
            );
        } else {
            let call = result.unwrap();
            // Nothing truncated: the expected entries of the untouched input.
            let signature = signature(SECRET.as_bytes(), &input.email);
            let actual = entries(call.json());
            let mut expected = Vec::new();
            for (key, value) in [("name", &input.name), ("email", &Some(input.email.clone())),
                                 ("company", &input.company), ("jobTitle", &input.job_title)] {
                if let Some(value) = value {
                    expected.push((key.to_owned(), Scalar::Str(value.clone())));
                }
            }
            expected.push(("signature".to_owned(), Scalar::Str(signature)));
            prop_assert_eq!(actual, expected);
        }
        // The default policy never refuses a long name, company or jobTitle.
        let call = Signer::new(SECRET).unwrap().identify(&input.identity()).unwrap();
        let shown = entries(call.json())
            .into_iter()
            .find(|(key, _)| key == wire)
            .map(|(_, value)| value);
        prop_assert_eq!(shown, Some(Scalar::Str(truncated(&value, limit))));
    }
}

/// Keys an app's `User` may carry that must never reach the page.
const EXTRA_KEYS: &[&str] = &[
    "password_hash",
    "token",
    "api_token",
    "session",
    "signature",
    "nonce",
    "Email",
    "NAME",
    "jobtitle",
    "Attributes",
    "id",
    "__proto__",
    "",
];
const MARKER: &str = "pw-hash-7Qz9";

fn extra_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(EXTRA_KEYS).prop_map(str::to_owned),
        any::<String>(),
        hostile_string(5),
    ]
    .prop_filter("not a key Identity reads", |k| {
        !KNOWN_KEYS.contains(&k.as_str())
    })
}

/// A value that could be anything in a `User`, every string in it marked.
fn extra_value() -> impl Strategy<Value = Value> {
    let marked = hostile_string(8)
        .prop_map(|s| Value::String(format!("{MARKER}{s}")))
        .boxed();
    prop_oneof![
        3 => marked.clone(),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => prop::collection::vec(marked.clone(), 0..4).prop_map(Value::Array),
        1 => prop::collection::btree_map(hostile_string(4), marked, 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
    ]
}

/// The input as a user map: absent fields left out or `null`, `jobTitle` or
/// `job_title`, plus the extra keys.
fn user_map(input: &Input, nulls: bool, snake_case: bool, extras: &[(String, Value)]) -> Value {
    let mut map: Map<String, Value> = extras.iter().cloned().collect();
    map.insert("email".into(), Value::String(input.email.clone()));
    let job_key = if snake_case { "job_title" } else { "jobTitle" };
    for (key, value) in [
        ("name", &input.name),
        ("company", &input.company),
        (job_key, &input.job_title),
        ("avatar", &input.avatar),
    ] {
        match value {
            Some(value) => {
                map.insert(key.into(), Value::String(value.clone()));
            }
            None if nulls => {
                map.insert(key.into(), Value::Null);
            }
            None => {}
        }
    }
    if input.attributes.is_empty() && nulls {
        map.insert("attributes".into(), Value::Null);
    } else if !input.attributes.is_empty() {
        let attributes: Map<String, Value> = input
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect();
        map.insert("attributes".into(), Value::Object(attributes));
    }
    Value::Object(map)
}

proptest! {
    #![proptest_config(config(2000))]

    /// (e) A user map with arbitrary extra keys gives the same identity and
    /// the same call as the builder, and none of the extra values.
    #[test]
    fn e_user_map_emits_the_builders_call_and_nothing_else(
        input in input(),
        extras in prop::collection::btree_map(extra_key(), extra_value(), 1..6),
        nulls in any::<bool>(),
        snake_case in any::<bool>(),
    ) {
        prop_assume!(!input.strings().any(|s| s.contains(MARKER)));
        let extras: Vec<(String, Value)> = extras.into_iter().collect();
        let map = user_map(&input, nulls, snake_case, &extras);
        let from_map: Identity = serde_json::from_value(map.clone())
            .unwrap_or_else(|e| panic!("{map} did not deserialize: {e}"));
        let built = input.identity();
        prop_assert_eq!(&from_map, &built);
        let signer = Signer::new(SECRET).unwrap();
        let text = signer.identify(&from_map).unwrap().to_string();
        prop_assert_eq!(&text, &signer.identify(&built).unwrap().to_string());
        prop_assert!(!text.contains(MARKER), "an extra value leaked: {}", text);
        // Not even the extra keys, where they are not one of Beacon's own.
        let keys: Vec<String> = entries(json_part(&text)).into_iter().map(|(k, _)| k).collect();
        for (key, _) in &extras {
            let ours = key == "signature" || input.attributes.iter().any(|(k, _)| k == key);
            prop_assert!(ours || !keys.contains(key), "{:?} emitted", key);
        }
    }

    /// Any case of a Beacon field name is refused as an attribute key.
    #[test]
    fn reserved_keys_are_refused_in_any_case(
        (key, upper) in prop::sample::select(&RESERVED[..])
            .prop_flat_map(|k| (Just(k), prop::collection::vec(any::<bool>(), k.len()))),
        value in value(),
    ) {
        let key: String = key
            .chars()
            .zip(upper)
            .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        let identity = Identity::new("jane@example.com").attribute(key.clone(), value.to_attribute());
        prop_assert_eq!(
            Signer::new(SECRET).unwrap().identify(&identity),
            Err(Error::ReservedAttributeKey { key })
        );
    }

    /// Any key outside `[A-Za-z0-9_-]{1,64}` is refused, and never emitted.
    #[test]
    fn keys_that_are_not_plain_identifiers_are_refused(
        key in prop_oneof![
            any::<String>(),
            hostile_string(6),
            "[A-Za-z0-9_-]{65,80}",
            ("[A-Za-z0-9_-]{0,10}", hostile_piece(), "[A-Za-z0-9_-]{0,10}")
                .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        ].prop_filter("not a plain identifier", |k| {
            !((1..=64).contains(&k.chars().count())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        }),
    ) {
        let identity = Identity::new("jane@example.com").attribute(key.clone(), "v");
        prop_assert_eq!(
            Signer::new(SECRET).unwrap().identify(&identity),
            Err(Error::InvalidAttributeKey { key, limit: 64 })
        );
    }
}

/// An avatar that may be anything: a valid URL, arbitrary Unicode, or a URL
/// with arbitrary Unicode (whitespace and controls included) after the host.
fn any_avatar() -> impl Strategy<Value = String> {
    prop_oneof![
        avatar(),
        text(),
        text().prop_map(|path| format!("https://example.com/{path}")),
    ]
}

/// Attribute values whose strings are arbitrary Unicode, numbers within
/// JavaScript's exact range.
fn string_heavy_attributes() -> impl Strategy<Value = Vec<(String, Val)>> {
    prop::collection::btree_map(
        attribute_key(),
        prop_oneof![4 => text().prop_map(Val::Str), 1 => value()],
        0..=6,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// An identity with arbitrary Unicode in every field.
fn unicode_input() -> impl Strategy<Value = Input> {
    (
        email(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(any_avatar()),
        string_heavy_attributes(),
    )
        .prop_map(
            |(email, name, company, job_title, avatar, attributes)| Input {
                email,
                name,
                company,
                job_title,
                avatar,
                attributes,
            },
        )
}

/// A valid CSP nonce.
const NONCE: &str = "r4nd0m+/Nonce-_==";

proptest! {
    #![proptest_config(config(2000))]

    /// (f) Whatever Unicode is in any field, the call is ASCII, no
    /// character of [`NEVER_RAW`](helpscout_beacon_test_model::escape::NEVER_RAW) is in its object, and serde_json reads
    /// the object back as exactly the input (after the truncation rule; an
    /// invalid avatar left out); `template::render` with a nonce gives the
    /// same call in its script element, ASCII too.
    #[test]
    fn f_any_unicode_is_ascii_out_and_reads_back_exactly(input in unicode_input()) {
        let signer = Signer::new(SECRET).unwrap();
        let identity = input.identity();
        let call = signer.identify(&identity).unwrap();
        let text = call.as_str();
        prop_assert!(text.bytes().all(|b| b < 0x80), "not ASCII: {:?}", text);
        prop_assert_eq!(json_part(text), call.json());
        assert_script_safe(call.json());
        // Outside the object, only the fixed text: one space, two quotes.
        prop_assert_eq!(text.matches(' ').count(), 1);
        prop_assert_eq!(text.matches('\'').count(), 2);

        let map: Map<String, Value> = serde_json::from_str(call.json())
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", call.json()));
        let string = |key: &str| map.get(key).map(|v| v.as_str().expect("a string").to_owned());
        prop_assert_eq!(string("email"), Some(input.email.clone()));
        let limited = [
            ("name", &input.name, NAME_LIMIT),
            ("company", &input.company, COMPANY_LIMIT),
            ("jobTitle", &input.job_title, JOB_TITLE_LIMIT),
        ];
        for (key, given, limit) in limited {
            prop_assert_eq!(string(key), given.as_ref().map(|v| truncated(v, limit)), "{}", key);
        }
        match (&input.avatar, string("avatar")) {
            (Some(given), Some(shown)) => {
                prop_assert_eq!(&shown, given);
                prop_assert!(avatar_kept(given), "avatar {:?} accepted", given);
            }
            (Some(given), None) => {
                // Left out by default: what Strict refuses.
                prop_assert!(!avatar_kept(given), "avatar {:?} left out", given);
                let strict = signer.clone().with_policy(LimitPolicy::Strict);
                let error = strict.identify(&identity).unwrap_err();
                let length = utf16_len(given);
                let expected = if length > AVATAR_LIMIT {
                    Error::TooLong { field: Field::Avatar, limit: AVATAR_LIMIT, length }
                } else {
                    Error::InvalidAvatar
                };
                prop_assert_eq!(error, expected, "avatar {:?}", given);
            }
            (None, shown) => prop_assert_eq!(shown, None),
        }
        for (key, value) in &input.attributes {
            let found = &map[key.as_str()];
            match value {
                Val::Float(_) => prop_assert!(found.is_f64(), "{}: {:?}", key, found),
                other => prop_assert_eq!(found, &other.to_json(), "{}", key),
            }
        }
        let avatar_shown = usize::from(map.contains_key("avatar"));
        let fields = [&input.name, &input.company, &input.job_title].into_iter().flatten().count();
        prop_assert_eq!(map.len(), 2 + fields + avatar_shown + input.attributes.len());
        let signature = signature(SECRET.as_bytes(), &input.email);
        prop_assert_eq!(map.get("signature").and_then(Value::as_str), Some(signature.as_str()));

        // The same user through the template function, with a nonce.
        let user = user_map(&input, false, false, &[]);
        let html = template::render(&signer, Some(&user), json!({"nonce": NONCE}))
            .unwrap_or_else(|e| panic!("render of {user}: {e}"));
        prop_assert!(html.bytes().all(|b| b < 0x80), "not ASCII: {:?}", html);
        prop_assert_eq!(html, format!("<script nonce=\"{NONCE}\">{text}</script>"));
    }

    /// (g) Truncation never splits a grapheme cluster: the kept value is a
    /// prefix of the input ending on a cluster boundary, within the limit in
    /// UTF-16 code units, and the longest such prefix (the next cluster
    /// would not fit).
    #[test]
    fn g_truncation_keeps_the_longest_whole_grapheme_prefix(
        which in 0usize..3,
        value in prop_oneof![
            text(),
            (60usize..=90).prop_flat_map(units_exactly),
            prop::collection::vec(
                prop::sample::select(&[
                    "a", "e\u{301}", "\u{1f44d}\u{1f3fd}", "🇫🇷", "👩\u{200d}👩\u{200d}👧",
                    "\r\n", "\u{1100}\u{1161}\u{11a8}", "😀", "\u{301}", "\u{200d}", "க\u{bcd}\u{bb7}",
                ][..]),
                20..90,
            ).prop_map(|parts| parts.concat()),
        ],
    ) {
        let (limit, wire) = [(NAME_LIMIT, "name"), (COMPANY_LIMIT, "company"), (JOB_TITLE_LIMIT, "jobTitle")][which];
        let base = Identity::new("jane@example.com");
        let identity = match which {
            0 => base.name(value.clone()),
            1 => base.company(value.clone()),
            _ => base.job_title(value.clone()),
        };
        let call = Signer::new(SECRET).unwrap().identify(&identity).unwrap();
        let map: Map<String, Value> = serde_json::from_str(call.json()).unwrap();
        let kept = map[wire].as_str().expect("a string");
        prop_assert!(value.starts_with(kept), "{:?} is not a prefix of {:?}", kept, value);
        prop_assert!(utf16_len(kept) <= limit, "{} units kept", utf16_len(kept));
        if utf16_len(&value) <= limit {
            prop_assert_eq!(kept, value.as_str());
        } else {
            // On a boundary: the clusters of the input up to `kept` are
            // exactly those of `kept`, and the rest starts a new cluster.
            let mut boundaries = value.grapheme_indices(true).map(|(at, _)| at);
            prop_assert!(
                kept.is_empty() || boundaries.any(|at| at == kept.len()),
                "{:?} splits a cluster of {:?}", kept, value
            );
            let next = value[kept.len()..].graphemes(true).next().expect("a cluster was cut");
            prop_assert!(
                utf16_len(kept) + utf16_len(next) > limit,
                "{:?} would still fit after {:?}", next, kept
            );
        }
        // Strict refuses exactly what the default shortens.
        let strict = Signer::new(SECRET).unwrap().with_policy(LimitPolicy::Strict);
        prop_assert_eq!(strict.identify(&identity).is_ok(), utf16_len(&value) <= limit);
    }

    /// (h) An integer attribute beyond ±(2^53 - 1) is refused, from the
    /// builder under both policies and from a user map, naming the key and
    /// the integer; one within it is emitted as it is.
    #[test]
    fn h_integers_beyond_javascripts_exact_range_are_refused(
        key in attribute_key(),
        number in prop_oneof![
            any::<i64>().prop_map(serde_json::Number::from),
            any::<u64>().prop_map(serde_json::Number::from),
            safe_i64().prop_map(serde_json::Number::from),
            prop::sample::select(vec![MAX_SAFE, MAX_SAFE + 1]).prop_map(serde_json::Number::from),
            prop::sample::select(vec![-(MAX_SAFE as i64), -(MAX_SAFE as i64) - 1]).prop_map(serde_json::Number::from),
        ],
    ) {
        let beyond = match (number.as_u64(), number.as_i64()) {
            (Some(u), _) => u > MAX_SAFE,
            (None, Some(i)) => i.unsigned_abs() > MAX_SAFE,
            (None, None) => unreachable!("an integer"),
        };
        let unsafe_integer = Error::UnsafeInteger { key: key.clone(), value: number.to_string(), limit: 9_007_199_254_740_991 };
        let identity = Identity::new("jane@example.com")
            .attribute(key.clone(), AttributeValue::Number(number.clone()));
        for policy in [LimitPolicy::Truncate, LimitPolicy::Strict] {
            let result = Signer::new(SECRET).unwrap().with_policy(policy).identify(&identity);
            match &result {
                Ok(call) => {
                    prop_assert!(!beyond, "{} emitted", number);
                    prop_assert!(call.json().contains(&format!("\"{key}\":{number},")), "{}", call.json());
                }
                Err(error) => {
                    prop_assert!(beyond, "{} refused: {}", number, error);
                    prop_assert_eq!(error, &unsafe_integer);
                }
            }
        }
        let user = json!({"email": "jane@example.com", "attributes": {&key: number}});
        match serde_json::from_value::<Identity>(user) {
            Ok(read) => {
                prop_assert!(!beyond, "{} read", number);
                prop_assert_eq!(read, identity);
            }
            Err(error) => {
                prop_assert!(beyond, "{} refused: {}", number, error);
                let message = format!(
                    "attributes.{key}: integer {number} is beyond JavaScript's exact range (±9007199254740991); pass it as a string"
                );
                prop_assert_eq!(unsafe_integer.to_string(), message.clone());
                prop_assert_eq!(error.to_string(), message);
            }
        }
    }
}

#[test]
fn the_scanner_sees_order_and_exact_numbers() {
    // The reader the properties rely on must be able to tell a wrong order
    // or a wrong number from a right one.
    let json = r#"{"b":"\u003cx\"","a":-0.0,"c":true,"d":1e+21,"e":false}"#;
    let got = entries(json);
    assert_eq!(
        got,
        vec![
            ("b".to_owned(), Scalar::Str("<x\"".to_owned())),
            ("a".to_owned(), Scalar::Num("-0.0".to_owned())),
            ("c".to_owned(), Scalar::Bool(true)),
            ("d".to_owned(), Scalar::Num("1e+21".to_owned())),
            ("e".to_owned(), Scalar::Bool(false)),
        ]
    );
    assert!(matches(&got[1].1, &Val::Float(-0.0)));
    assert!(!matches(&got[1].1, &Val::Float(0.0)));
    assert!(matches(&got[3].1, &Val::Float(1e21)));
    assert!(!matches(&got[3].1, &Val::Int(1)));
}

#[test]
fn the_generators_reach_the_interesting_cases() {
    // Without these, the properties above could pass vacuously.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = input();
    let (mut truncated, mut hostile, mut attributes, mut avatars, mut floats) = (0, 0, 0, 0, 0);
    for _ in 0..500 {
        let input = strategy.new_tree(&mut runner).unwrap().current();
        if input
            .name
            .as_ref()
            .is_some_and(|n| utf16_len(n) > NAME_LIMIT)
        {
            truncated += 1;
        }
        if input
            .strings()
            .any(|s| s.contains(['<', '\'', '\u{2028}', '\0']))
        {
            hostile += 1;
        }
        if input.attributes.len() > 20 {
            attributes += 1;
        }
        if input.avatar.is_some() {
            avatars += 1;
        }
        if input
            .attributes
            .iter()
            .any(|(_, v)| matches!(v, Val::Float(_)))
        {
            floats += 1;
        }
    }
    for (what, count) in [
        ("truncated names", truncated),
        ("hostile strings", hostile),
        ("many attributes", attributes),
        ("avatars", avatars),
        ("float attributes", floats),
    ] {
        assert!(count >= 25, "only {count} of 500 inputs with {what}");
    }
}
