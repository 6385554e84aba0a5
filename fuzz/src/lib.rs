//! The checks behind the fuzz targets, shared with their stable CI
//! equivalent (`core/tests/fuzz_equivalent.rs` includes this file with
//! `#[path]`, so both run exactly the same invariants).
//!
//! Every input goes through `Identity` / `TemplateArgs` deserialization,
//! validation under both [`LimitPolicy`] values, [`Signer::identify`],
//! [`IdentifyCall::script_tag`] and [`template::render`]. An error is fine;
//! a panic anywhere is a finding. Every success is checked against
//! expectations computed here, independently of the crate:
//!
//! - the call is ASCII, and its JSON part is exactly the text the escaping
//!   rule gives (restated here: `"` `\` and the controls as JSON writes
//!   them; `<` `>` `&` `'` `` ` `` `$` space `/` `=` and every character
//!   above U+007F as lower-case `\uXXXX`, astral ones as a surrogate pair),
//!   so none of those is ever raw;
//! - it parses back (keeping order and duplicates) into exactly the entries
//!   `IdentifyCall` documents: `name`, `email`, `company`, `jobTitle`, `avatar`,
//!   the custom attributes in key order, `signature` last; the email is the
//!   identity's email byte for byte and the signature is an HMAC-SHA256
//!   computed here with the `hmac`, `sha2` and `hex` crates; name, company
//!   and jobTitle within their limits in UTF-16 code units, cut (by default)
//!   at the last extended grapheme cluster boundary that fits; an invalid
//!   avatar left out (by default); integers within ±(2^53 - 1);
//! - a `script_tag` holds exactly one `<script` and one `</script>`;
//! - what a JSON document deserializes to matches a small model of the
//!   design's rules (which keys count, `null` means absent, the last of a
//!   duplicate key wins, `jobTitle` and `job_title` with different values is
//!   an error, an `attributes` map stops at a 31st attribute or an integer
//!   beyond ±(2^53 - 1), anything else is an error);
//! - every error has a cause in the input, and no message shows the secret.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use helpscout_beacon::template::{self, TemplateArgs};
use helpscout_beacon::{AttributeValue, Error, Field, IdentifyCall, Identity, LimitPolicy, Signer};
use hmac::{Hmac, KeyInit, Mac};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use sha2::Sha256;
use unicode_segmentation::UnicodeSegmentation;

/// The key of [`check_bytes`]. It holds [`SECRET_MARKER`], so when an input
/// has that character neither raw nor as a JSON escape, no output may
/// contain it: a text that does shows (part of) the key.
pub const SECRET: &str = "fuzz-secret-\u{a66e}-7Kq2";
/// The character of [`SECRET`] that gives a leak away (U+A66E).
pub const SECRET_MARKER: char = '\u{a66e}';
/// A nonce with every character the CSP grammar allows.
pub const VALID_NONCE: &str = "r4nd0m+/-_NONCE==";
const PREFIX: &str = "window.Beacon('identify', ";
const SUFFIX: &str = ");";
/// Beacon's limits, written out here rather than read from the crate.
const NAME_LIMIT: usize = 80;
const COMPANY_LIMIT: usize = 60;
const JOB_TITLE_LIMIT: usize = 60;
const AVATAR_LIMIT: usize = 200;
const ATTRIBUTES_LIMIT: usize = 30;
const KEY_LIMIT: usize = 64;
const RESERVED: [&str; 6] = [
    "name",
    "email",
    "company",
    "jobTitle",
    "avatar",
    "signature",
];
/// The characters never written raw inside a JSON string of the call (as
/// `\u00XX`), besides `"`, `\` and the controls.
const NEVER_RAW: [char; 10] = ['<', '>', '&', '\'', '`', '$', ' ', '/', '=', '\u{7f}'];
/// The characters above U+007F in the crate's own fixed messages (`±` of
/// `UnsafeInteger`'s): no leak marker, since an error may show them.
const MESSAGE_CHARS: [char; 1] = ['±'];
const POLICIES: [LimitPolicy; 2] = [LimitPolicy::Truncate, LimitPolicy::Strict];

// ------------------------------------------------------------------ entries

/// Fuzz target `identify_json`: the bytes as JSON documents.
///
/// A `0xFF` byte (never part of valid JSON) splits the input into the user
/// and the template arguments; without one, the whole input is tried as
/// both.
pub fn check_bytes(data: &[u8]) {
    let (user_bytes, args_bytes) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    // The marker, raw or as a JSON escape (hex digits in either case).
    let mut raw = [0; 4];
    let escaped = format!("\\u{:04x}", u32::from(SECRET_MARKER));
    let in_input = contains(data, SECRET_MARKER.encode_utf8(&mut raw).as_bytes())
        || data
            .windows(escaped.len())
            .any(|w| w.eq_ignore_ascii_case(escaped.as_bytes()));
    let ctx = Ctx {
        signers: fixed_signers(),
        leak_marker: (!in_input).then_some(SECRET_MARKER),
    };

    // The user, as `Identity` and as the adapters' `Option<Identity>`.
    let identity = serde_json::from_slice::<Identity>(user_bytes);
    let optional = serde_json::from_slice::<Option<Identity>>(user_bytes);
    let user_doc = Json::parse(user_bytes);
    if let Err(error) = &identity {
        ctx.no_secret(&error.to_string());
    }
    if user_doc == Some(Json::Null) {
        assert!(identity.is_err(), "null deserialized as an Identity");
        assert!(matches!(optional, Ok(None)), "null as Option<Identity>");
    } else {
        assert_eq!(
            optional.as_ref().ok(),
            identity.as_ref().ok().map(|i| Some(i.clone())).as_ref(),
            "Option<Identity> and Identity disagree on {}",
            lossy(user_bytes)
        );
    }
    // A document the model can read must deserialize exactly as the model
    // says. (serde_json skips ignored values without checking their UTF-8,
    // so an `Identity` may come from bytes that `Json` refuses: no model.)
    let user_model = user_doc
        .as_ref()
        .and_then(model_identity)
        .and_then(|model| {
            assert_eq!(
                identity.as_ref().ok(),
                model.as_ref().map(Model::build).as_ref(),
                "Identity from {} (the model is the right-hand side)",
                lossy(user_bytes)
            );
            model
        });
    if let Ok(identity) = &identity {
        check_identify(
            &ctx,
            identity,
            user_model.as_ref(),
            &[None, Some(VALID_NONCE), Some(identity.email())],
        );
    }

    // The template arguments, over no input and over the user.
    let args = serde_json::from_slice::<TemplateArgs>(args_bytes);
    let args_doc = Json::parse(args_bytes);
    if let Err(error) = &args {
        ctx.no_secret(&error.to_string());
    }
    let args_model = args_doc.as_ref().and_then(|doc| {
        let model = model_args(doc)?;
        // `null` may read as no arguments or as an error, depending on the
        // deserializer; the model has no opinion there.
        if *doc != Json::Null {
            assert_eq!(
                args.as_ref()
                    .ok()
                    .map(|a| (a.nonce().map(str::to_owned), a.clone().apply(None).ok())),
                model
                    .as_ref()
                    .map(|m| (m.nonce.clone(), m.apply(None).map(|m| m.build()))),
                "TemplateArgs from {} (the model is the right-hand side)",
                lossy(args_bytes)
            );
        }
        model
    });
    if let Ok(args) = &args {
        let args_given = (args, args_bytes);
        check_render(&ctx, args_given, args_model.as_ref(), None, Some(None));
        if let Ok(Some(input)) = &optional {
            check_render(
                &ctx,
                args_given,
                args_model.as_ref(),
                Some((input, user_bytes)),
                user_model.as_ref().map(Some),
            );
        }
    }
}

/// Fuzz target `identify_built`: the bytes decoded by [`decode_built`] into a
/// secret, an identity built field by field, and a nonce.
pub fn check_built_bytes(data: &[u8]) {
    let (secret, model, nonce) = decode_built(data);
    check_built(&secret, &model, nonce.as_deref());
}

/// An identity built with the builder from `model`, signed with `secret`:
/// identify and script tags under both policies, the same user as JSON (as
/// an `Identity` and as template arguments), and `render` with `nonce`.
pub fn check_built(secret: &[u8], model: &Model, nonce: Option<&str>) {
    let Some(signers) = Signers::new(secret) else {
        return;
    };
    // A non-ASCII character of the secret that is in none of the input's
    // strings cannot show in any output but through a leak: escapes, hex
    // and the fixed texts are all ASCII, but for the `MESSAGE_CHARS`.
    let leak_marker = std::str::from_utf8(secret).ok().and_then(|s| {
        s.chars().find(|&c| {
            !c.is_ascii()
                && !MESSAGE_CHARS.contains(&c)
                && !model.mentions(c)
                && nonce.is_none_or(|n| !n.contains(c))
        })
    });
    let ctx = Ctx {
        leak_marker,
        signers: &signers,
    };
    let identity = model.build();
    assert_eq!(identity.email(), model.email);
    assert_eq!(identity.attributes(), &model.attributes);

    // The same user as a map, as a plain email string and as template
    // arguments deserializes to the same identity (up to what serde_json's
    // float parser reads back: see `reparse`), unless its attributes cannot
    // be read: past Beacon's 30, or an integer beyond JavaScript's exact
    // range (the builder takes both, and `identify` refuses them).
    let text = model.to_json().to_text();
    let readable = model.attributes.len() <= ATTRIBUTES_LIMIT
        && model.attributes.values().all(|v| match v {
            AttributeValue::Number(n) => js_exact(n),
            _ => true,
        });
    let read_back = readable.then(|| model.reparsed().build());
    let parsed = serde_json::from_str::<Identity>(&text);
    if let Err(error) = &parsed {
        ctx.no_secret(&error.to_string());
    }
    assert_eq!(
        parsed.as_ref().ok(),
        read_back.as_ref(),
        "Identity from {text}"
    );
    let email_only = serde_json::to_string(&model.email).expect("a string serializes");
    assert_eq!(
        serde_json::from_str::<Identity>(&email_only).ok(),
        Some(Identity::new(model.email.clone())),
        "Identity from {email_only}"
    );
    let as_args = serde_json::from_str::<TemplateArgs>(&text);
    let applied = as_args.map(|args| args.apply(None));
    assert_eq!(
        applied.ok().and_then(Result::ok),
        read_back,
        "TemplateArgs from {text}"
    );

    check_identify(
        &ctx,
        &identity,
        Some(model),
        &[None, Some(VALID_NONCE), nonce],
    );

    // `render` with only a nonce argument (when there is one).
    let mut args_doc = Vec::new();
    if let Some(nonce) = nonce {
        args_doc.push(("nonce".to_owned(), Json::String(nonce.to_owned())));
    }
    let args_text = Json::Object(args_doc).to_text();
    let args = match serde_json::from_str::<TemplateArgs>(&args_text) {
        Ok(args) => args,
        Err(error) => panic!("TemplateArgs from {args_text}: {error}"),
    };
    assert_eq!(args.nonce(), nonce);
    let args_model = ArgsModel {
        nonce: nonce.map(str::to_owned),
        ..ArgsModel::default()
    };
    // `render` reads the user from `text`, so the identity and model are
    // the ones read back from it; a user it cannot read is its error.
    if readable {
        let reparsed = model.reparsed();
        check_render(
            &ctx,
            (&args, args_text.as_bytes()),
            Some(&args_model),
            Some((&reparsed.build(), text.as_bytes())),
            Some(Some(&reparsed)),
        );
    } else {
        let Err(error) = parsed else {
            unreachable!("checked above")
        };
        for policy in POLICIES {
            let mut user = serde_json::Deserializer::from_str(&text);
            let mut arguments = serde_json::Deserializer::from_str(&args_text);
            let rendered =
                template::render(ctx.signers.get(policy), Some(&mut user), &mut arguments);
            assert_eq!(
                rendered.map_err(|e| e.to_string()),
                Err(error.to_string()),
                "render of {text}"
            );
        }
    }
}

/// Decodes fuzz bytes into `(secret, identity model, nonce)` without JSON, so
/// that the structure-aware target's inputs replay on stable Rust too.
///
/// Layout: the secret (a length byte, then that many bytes), the email,
/// then for each of name, company, jobTitle and avatar a presence byte (odd
/// = present) and the string, an attribute count byte (modulo 40, so past
/// Beacon's 30), each attribute as a key and a kind byte and a value, and
/// last an optional nonce. Strings are a length byte and that many bytes,
/// decoded lossily as UTF-8. Missing bytes read as zero.
pub fn decode_built(data: &[u8]) -> (Vec<u8>, Model, Option<String>) {
    let mut r = Reader(data);
    let secret = r.bytes().to_vec();
    let mut model = Model {
        email: r.string(),
        name: r.optional(),
        company: r.optional(),
        job_title: r.optional(),
        avatar: r.optional(),
        attributes: BTreeMap::new(),
    };
    for _ in 0..r.byte() % 40 {
        let key = r.string();
        let value = match r.byte() % 5 {
            0 => Some(AttributeValue::String(r.string())),
            1 => Some(AttributeValue::from(i64::from_le_bytes(r.array()))),
            2 => Some(AttributeValue::from(u64::from_le_bytes(r.array()))),
            3 => AttributeValue::from_f64(f64::from_le_bytes(r.array())),
            _ => Some(AttributeValue::Bool(r.byte() & 1 == 1)),
        };
        // The builder replaces a key given twice; so does the model.
        if let Some(value) = value {
            model.attributes.insert(key, value);
        }
    }
    let nonce = r.optional();
    (secret, model, nonce)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn bytes(&mut self) -> &'a [u8] {
        let n = usize::from(self.byte()).min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn array(&mut self) -> [u8; 8] {
        let mut out = [0; 8];
        for b in &mut out {
            *b = self.byte();
        }
        out
    }

    fn string(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    fn optional(&mut self) -> Option<String> {
        (self.byte() & 1 == 1).then(|| self.string())
    }
}

// ------------------------------------------------------------------ signing

/// A signer per policy, and the key they were made from.
pub struct Signers {
    secret: Vec<u8>,
    truncate: Signer,
    strict: Signer,
}

impl Signers {
    /// `None` (after checking the error) for an empty secret. A secret with
    /// leading or trailing whitespace is refused by `Signer::new` and taken
    /// as it is by `Signer::new_exact`, which the signers are made with.
    fn new(secret: &[u8]) -> Option<Signers> {
        match Signer::new(secret) {
            Ok(_) => assert!(
                !secret.is_empty() && !padded(secret),
                "Signer::new({secret:?}) accepted"
            ),
            Err(error) => {
                assert!(
                    secret.is_empty() || padded(secret),
                    "Signer::new({secret:?}): {error}"
                );
                let expected = if secret.is_empty() {
                    Error::EmptySecret
                } else {
                    Error::PaddedSecret
                };
                assert_eq!(error, expected);
            }
        }
        match Signer::new_exact(secret) {
            Ok(signer) => {
                assert!(!secret.is_empty(), "an empty secret was accepted");
                assert_eq!(signer.policy(), LimitPolicy::Truncate, "the default policy");
                Some(Signers {
                    secret: secret.to_vec(),
                    strict: signer.clone().with_policy(LimitPolicy::Strict),
                    truncate: signer,
                })
            }
            Err(error) => {
                assert!(secret.is_empty(), "Signer::new({secret:?}): {error}");
                assert_eq!(error, Error::EmptySecret);
                None
            }
        }
    }

    fn get(&self, policy: LimitPolicy) -> &Signer {
        match policy {
            LimitPolicy::Strict => &self.strict,
            _ => &self.truncate,
        }
    }
}

fn fixed_signers() -> &'static Signers {
    static SIGNERS: OnceLock<Signers> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        let signers = Signers::new(SECRET.as_bytes()).expect("a non-empty secret");
        for policy in POLICIES {
            let debug = format!("{:?}", signers.get(policy));
            assert!(!debug.contains(SECRET_MARKER), "the secret in {debug}");
        }
        signers
    })
}

/// Whether a secret starts or ends with whitespace: Unicode's `White_Space`
/// when it is UTF-8, else ASCII's and the vertical tab.
fn padded(secret: &[u8]) -> bool {
    match std::str::from_utf8(secret) {
        Ok(text) => text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace),
        Err(_) => {
            let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
            secret.first().is_some_and(space) || secret.last().is_some_and(space)
        }
    }
}

fn hmac_hex(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

struct Ctx<'a> {
    signers: &'a Signers,
    /// A character of the secret that is nowhere in the input, so that no
    /// output or error may show it; `None` when there is no such character.
    leak_marker: Option<char>,
}

impl Ctx<'_> {
    fn no_secret(&self, text: &str) {
        if let Some(marker) = self.leak_marker {
            assert!(
                !text.contains(marker),
                "the secret's {marker:?} shows in {text:?}"
            );
        }
    }
}

// ------------------------------------------------------------ the invariants

/// `identify` under both policies, every success and every error checked,
/// and `script_tag` with each of `nonces` on every call.
fn check_identify(
    ctx: &Ctx<'_>,
    identity: &Identity,
    model: Option<&Model>,
    nonces: &[Option<&str>],
) {
    let truncate = ctx.signers.truncate.identify(identity);
    let strict = ctx.signers.strict.identify(identity);
    // Strict only ever refuses more.
    if let Ok(call) = &strict {
        assert_eq!(
            truncate.as_ref().ok(),
            Some(call),
            "Strict accepted what Truncate did not, or differently"
        );
    }
    if truncate.is_err() {
        assert!(strict.is_err(), "Strict accepted what Truncate refused");
    }
    for (policy, result) in [
        (LimitPolicy::Truncate, truncate),
        (LimitPolicy::Strict, strict),
    ] {
        match result {
            Ok(call) => {
                check_call(ctx, policy, identity, model, &call);
                for nonce in nonces {
                    check_script_tag(&call, *nonce);
                }
            }
            Err(error) => {
                ctx.no_secret(&error.to_string());
                check_identify_error(policy, identity, model, &error);
            }
        }
    }
}

fn check_call(
    ctx: &Ctx<'_>,
    policy: LimitPolicy,
    identity: &Identity,
    model: Option<&Model>,
    call: &IdentifyCall,
) {
    let text = call.as_str();
    let json = call.json();
    assert_eq!(text, format!("{PREFIX}{json}{SUFFIX}"));
    assert_eq!(call.to_string(), text);
    assert_eq!(String::from(call.clone()), text);
    // ASCII only, and none of the characters that must be escaped appears
    // raw: the object's own syntax uses none of them.
    assert!(text.is_ascii(), "not ASCII: {text:?}");
    for c in json.chars() {
        assert!(
            !c.is_ascii_control() || c == '\u{7f}',
            "{c:?} unescaped in {json}"
        );
        assert!(!NEVER_RAW.contains(&c), "{c:?} unescaped in {json}");
    }
    ctx.no_secret(text);

    let email = identity.email();
    assert!(!email.is_empty(), "an empty email was signed");
    let signature = hmac_hex(&ctx.signers.secret, email);
    assert_eq!(call.signature().as_str(), signature);
    let signer = ctx.signers.get(policy);
    assert!(signer.verify(email, &signature));
    assert!(
        !signer.verify(email, &signature.to_ascii_uppercase())
            || !signature.bytes().any(|b| b.is_ascii_alphabetic())
    );

    let entries = match serde_json::from_str::<Json>(json) {
        Ok(Json::Object(entries)) => entries,
        other => panic!("{json} is not a JSON object: {other:?}"),
    };
    let emitted = |key: &str| {
        entries.iter().find_map(|(k, v)| match v {
            Json::String(s) if k == key => Some(s.clone()),
            _ => None,
        })
    };
    // Name, company and jobTitle as the model says (cut to the limit, or
    // refused under Strict); without a model, as emitted but within limits.
    let limited = [
        ("name", model.map(|m| &m.name), NAME_LIMIT),
        ("company", model.map(|m| &m.company), COMPANY_LIMIT),
        ("jobTitle", model.map(|m| &m.job_title), JOB_TITLE_LIMIT),
    ]
    .map(|(key, given, limit)| {
        let value = match given {
            Some(given) => given.as_ref().map(|v| {
                let length = utf16_len(v);
                assert!(
                    policy == LimitPolicy::Truncate || length <= limit,
                    "Strict accepted {key} of {length}"
                );
                truncated(v, limit)
            }),
            None => emitted(key),
        };
        if let Some(value) = &value {
            assert!(utf16_len(value) <= limit, "{key} over {limit} in {json}");
        }
        (key, value)
    });
    // The avatar as the model says: kept when valid, else left out (or
    // refused under Strict). Valid is what the strict signer takes alone;
    // it must at least look like an http(s) URL within the limit.
    let avatar = match model {
        Some(model) => model.avatar.clone().filter(|avatar| {
            let valid = ctx
                .signers
                .strict
                .identify(&Identity::new("a@b.c").avatar(avatar.clone()))
                .is_ok();
            assert!(
                policy == LimitPolicy::Truncate || valid,
                "Strict accepted the avatar {avatar:?}"
            );
            valid
        }),
        None => emitted("avatar"),
    };
    if let Some(avatar) = &avatar {
        assert!(plausible_avatar(avatar), "avatar {avatar:?} accepted");
    }
    let attributes = identity.attributes();
    assert!(
        attributes.len() <= ATTRIBUTES_LIMIT,
        "{} attributes accepted",
        attributes.len()
    );
    for (key, value) in attributes {
        assert!(
            plain_key(key) && !reserved_key(key),
            "attribute key {key:?} accepted"
        );
        if let AttributeValue::Number(n) = value {
            assert!(js_exact(n), "attribute {key}: {n} accepted");
        }
    }

    let mut expected = Vec::new();
    let [name, company, job_title] = limited;
    let string =
        |(key, value): (&str, Option<String>)| value.map(|v| (key.to_owned(), Json::String(v)));
    expected.extend(string(name));
    expected.push(("email".to_owned(), Json::String(email.to_owned())));
    expected.extend(string(company));
    expected.extend(string(job_title));
    expected.extend(string(("avatar", avatar)));
    expected.extend(
        attributes
            .iter()
            .map(|(k, v)| (k.clone(), Json::from_attribute(v))),
    );
    expected.push(("signature".to_owned(), Json::String(signature)));
    // Byte for byte, as the escaping rule writes it (numbers as serde_json
    // writes them).
    assert_eq!(json, script_safe_text(&expected), "the text of the call");
    // And as read back, numbers as serde_json reads its own text back.
    for (_, value) in &mut expected {
        if let Json::Number(n) = value {
            *n = reparse(n);
        }
    }
    assert_eq!(entries, expected, "the entries of {json}");
}

/// The README's escaping rule, restated: `"` and `\`, JSON's short escapes
/// for five controls, `\u00XX` for the other controls, and lower-case
/// `\uXXXX` (a surrogate pair above U+FFFF) for [`NEVER_RAW`] and every
/// character above U+007F; every other ASCII character as it is.
fn script_safe_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' || NEVER_RAW.contains(&c) || !c.is_ascii() => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A flat object of strings, numbers and booleans, as the call writes it.
fn script_safe_text(entries: &[(String, Json)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        script_safe_string(&mut out, key);
        out.push(':');
        match value {
            Json::String(s) => script_safe_string(&mut out, s),
            other => other.write(&mut out),
        }
    }
    out.push('}');
    out
}

/// A string's length as JavaScript's `String.length` counts it.
fn utf16_len(value: &str) -> usize {
    value.encode_utf16().count()
}

/// The default policy's cut: the value when within `limit` UTF-16 code
/// units, else its longest prefix of whole extended grapheme clusters
/// within the limit.
fn truncated(value: &str, limit: usize) -> String {
    if utf16_len(value) <= limit {
        return value.to_owned();
    }
    let mut out = String::new();
    for cluster in value.graphemes(true) {
        if utf16_len(&out) + utf16_len(cluster) > limit {
            break;
        }
        out.push_str(cluster);
    }
    out
}

fn check_identify_error(
    policy: LimitPolicy,
    identity: &Identity,
    model: Option<&Model>,
    error: &Error,
) {
    let attributes = identity.attributes();
    let units = |value: Option<&Option<String>>| value.map(|v| v.as_deref().map(utf16_len));
    match error {
        Error::EmptyEmail => assert!(
            identity.email().is_empty(),
            "{error} for {:?}",
            identity.email()
        ),
        Error::TooLong {
            field,
            limit,
            length,
        } => {
            let (expected_limit, given) = match field {
                Field::Name => (NAME_LIMIT, model.map(|m| &m.name)),
                Field::Company => (COMPANY_LIMIT, model.map(|m| &m.company)),
                Field::JobTitle => (JOB_TITLE_LIMIT, model.map(|m| &m.job_title)),
                Field::Avatar => (AVATAR_LIMIT, model.map(|m| &m.avatar)),
                other => panic!("TooLong for {other:?}"),
            };
            // The default policy shortens a name, company or jobTitle and
            // leaves out an over-long avatar.
            assert_eq!(policy, LimitPolicy::Strict, "{error} under {policy:?}");
            assert_eq!(*limit, expected_limit, "{error}");
            assert!(length > limit, "{error}");
            if let Some(given) = units(given) {
                assert_eq!(given, Some(*length), "{error}");
            }
        }
        Error::InvalidAvatar => {
            assert_eq!(policy, LimitPolicy::Strict, "{error} under {policy:?}");
            if let Some(model) = model {
                // An over-long avatar is `TooLong`, with its length.
                let avatar = model.avatar.as_deref();
                assert!(
                    avatar.is_some_and(|a| utf16_len(a) <= AVATAR_LIMIT),
                    "{error} for {avatar:?}"
                );
            }
        }
        Error::UnsafeInteger { key, value, .. } => {
            let given = attributes.get(key);
            assert!(
                matches!(given, Some(AttributeValue::Number(n)) if !js_exact(n) && n.to_string() == *value),
                "{error} for {given:?}"
            );
        }
        Error::InvalidAttributeKey { key, .. } => {
            assert!(attributes.contains_key(key) && !plain_key(key), "{error}");
        }
        Error::ReservedAttributeKey { key } => {
            assert!(
                attributes.contains_key(key) && plain_key(key) && reserved_key(key),
                "{error}"
            );
        }
        Error::TooManyAttributes { count, .. } => {
            assert_eq!(*count, attributes.len(), "{error}");
            assert!(*count > ATTRIBUTES_LIMIT, "{error}");
        }
        other => panic!("identify failed with {other:?}"),
    }
}

fn check_script_tag(call: &IdentifyCall, nonce: Option<&str>) {
    let valid = nonce.is_none_or(valid_nonce);
    match call.script_tag(nonce) {
        Ok(tag) => {
            assert!(valid, "nonce {nonce:?} accepted");
            let open = match nonce {
                Some(n) => format!("<script nonce=\"{n}\">"),
                None => "<script>".to_owned(),
            };
            assert_eq!(tag, format!("{open}{}</script>", call.as_str()));
            // The HTML parser matches tag names without regard to case.
            let lower = tag.to_ascii_lowercase();
            assert_eq!(lower.matches("<script").count(), 1, "{tag}");
            assert_eq!(lower.matches("</script>").count(), 1, "{tag}");
            assert_eq!(lower.matches("</script").count(), 1, "{tag}");
            assert!(!lower.contains("<!--"), "{tag}");
        }
        Err(error) => {
            assert!(!valid, "nonce {nonce:?} refused: {error}");
            assert_eq!(error, Error::InvalidNonce);
        }
    }
}

/// `render` is `apply`, `identify` and `script_tag` in a row under both
/// policies; `apply` matches the model when there is one, and the call is
/// checked like any other. The arguments and the input come as values and
/// as the JSON they were read from, which `render` reads itself.
/// `input_model` is `None` when there is no model of the input, `Some(None)`
/// for no input.
fn check_render(
    ctx: &Ctx<'_>,
    (args, args_json): (&TemplateArgs, &[u8]),
    args_model: Option<&ArgsModel>,
    input: Option<(&Identity, &[u8])>,
    input_model: Option<Option<&Model>>,
) {
    let applied = args
        .clone()
        .apply(input.map(|(identity, _)| identity.clone()));
    let model = match (args_model, input_model) {
        (Some(args_model), Some(input_model)) => {
            let model = args_model.apply(input_model);
            assert_eq!(
                applied.as_ref().ok(),
                model.as_ref().map(Model::build).as_ref(),
                "apply"
            );
            model
        }
        _ => None,
    };
    if let Err(error) = &applied {
        assert_eq!(*error, Error::MissingEmail);
    }
    for policy in POLICIES {
        let signer = ctx.signers.get(policy);
        let mut user = input.map(|(_, json)| serde_json::Deserializer::from_slice(json));
        let mut arguments = serde_json::Deserializer::from_slice(args_json);
        let rendered = template::render(signer, user.as_mut(), &mut arguments);
        let composed = applied
            .clone()
            .and_then(|identity| signer.identify(&identity))
            .and_then(|call| match args.nonce() {
                Some(nonce) => call.script_tag(Some(nonce)),
                None => Ok(call.into_string()),
            });
        // The input and arguments were read before, so what can fail now
        // is the core's own check, with the core's own message.
        let rendered = rendered.map_err(|e| e.to_string());
        if let Err(error) = &rendered {
            ctx.no_secret(error);
        }
        assert_eq!(
            rendered,
            composed.map_err(|e| e.to_string()),
            "render under {policy:?}"
        );
    }
    if let Ok(identity) = &applied {
        check_identify(ctx, identity, model.as_ref(), &[args.nonce()]);
    }
}

fn plain_key(key: &str) -> bool {
    (1..=KEY_LIMIT).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A Beacon field name in any case, or `__proto__` (which a JavaScript
/// object literal turns into the prototype instead of a property).
fn reserved_key(key: &str) -> bool {
    key == "__proto__" || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(key))
}

/// The CSP grammar's `base64-value`: one or more of `A-Z a-z 0-9 + / - _`,
/// then at most two `=`.
fn valid_nonce(nonce: &str) -> bool {
    let body = nonce.trim_end_matches('=');
    nonce.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// What an accepted avatar must at least be: short enough, an http(s) URL
/// with an authority, no whitespace or control characters.
fn plausible_avatar(avatar: &str) -> bool {
    utf16_len(avatar) <= AVATAR_LIMIT
        && !avatar.chars().any(|c| c.is_whitespace() || c.is_control())
        && ["http://", "https://"].iter().any(|scheme| {
            avatar
                .get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
                && avatar[scheme.len()..]
                    .split(['/', '?', '#'])
                    .next()
                    .is_some_and(|authority| !authority.is_empty())
        })
}

/// `n` written by serde_json and read back by serde_json. Without its
/// `float_roundtrip` feature, serde_json reads some floats one ULP off (seen:
/// `1.6265194402329027e-307` reads as `…029e-307`), so a number in emitted
/// JSON is compared as serde_json reads the correct text back, and an
/// identity deserialized from JSON is compared with its numbers read back.
fn reparse(n: &serde_json::Number) -> serde_json::Number {
    let text = serde_json::to_string(n).expect("a number serializes");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text} does not read back: {e}"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn lossy(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

// -------------------------------------------------------------------- model

/// An identity as the README's "Error policy" describes it, field by field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    /// `email`
    pub email: String,
    /// `name`
    pub name: Option<String>,
    /// `company`
    pub company: Option<String>,
    /// `jobTitle`
    pub job_title: Option<String>,
    /// `avatar`
    pub avatar: Option<String>,
    /// The custom attributes.
    pub attributes: BTreeMap<String, AttributeValue>,
}

impl Model {
    /// The identity, through the public builder.
    pub fn build(&self) -> Identity {
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
            identity = identity.attribute(key.clone(), value.clone());
        }
        identity
    }

    /// The identity as a JSON user map (absent fields left out).
    pub fn to_json(&self) -> Json {
        let mut entries = vec![("email".to_owned(), Json::String(self.email.clone()))];
        let fields = [
            ("name", &self.name),
            ("company", &self.company),
            ("jobTitle", &self.job_title),
            ("avatar", &self.avatar),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                entries.push((key.to_owned(), Json::String(value.clone())));
            }
        }
        let attributes = self
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), Json::from_attribute(v)));
        entries.push(("attributes".to_owned(), Json::Object(attributes.collect())));
        Json::Object(entries)
    }

    /// The same with every number as serde_json reads back its own text.
    fn reparsed(&self) -> Model {
        let mut model = self.clone();
        for value in model.attributes.values_mut() {
            if let AttributeValue::Number(n) = value {
                *n = reparse(n);
            }
        }
        model
    }

    fn mentions(&self, needle: char) -> bool {
        let fields = [&self.name, &self.company, &self.job_title, &self.avatar];
        std::iter::once(&self.email)
            .chain(fields.into_iter().flatten())
            .chain(self.attributes.iter().flat_map(|(k, v)| match v {
                AttributeValue::String(s) => vec![k, s],
                _ => vec![k],
            }))
            .any(|s| s.contains(needle))
    }
}

/// Template arguments as the README describes them.
#[derive(Clone, Debug, Default, PartialEq)]
struct ArgsModel {
    email: Option<String>,
    name: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
    avatar: Option<String>,
    attributes: BTreeMap<String, AttributeValue>,
    nonce: Option<String>,
}

impl ArgsModel {
    /// The arguments over the input: `None` when neither gives an email.
    fn apply(&self, input: Option<&Model>) -> Option<Model> {
        let mut model = match (input, &self.email) {
            (Some(input), _) => input.clone(),
            (None, Some(_)) => Model::default(),
            (None, None) => return None,
        };
        if let Some(email) = &self.email {
            model.email.clone_from(email);
        }
        let optional = [
            (&mut model.name, &self.name),
            (&mut model.company, &self.company),
            (&mut model.job_title, &self.job_title),
            (&mut model.avatar, &self.avatar),
        ];
        for (field, value) in optional {
            if value.is_some() {
                field.clone_from(value);
            }
        }
        model.attributes.extend(self.attributes.clone());
        Some(model)
    }
}

/// The fields of a user map or of template arguments, read in order (the
/// last of a duplicate key wins).
#[derive(Default)]
struct Fields {
    email: Option<String>,
    name: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
    avatar: Option<String>,
    attributes: Option<BTreeMap<String, AttributeValue>>,
    nonce: Option<Json>,
    /// A `nonce` was a list or a map: an argument's error at once, whatever
    /// nonce comes after (a user's `nonce` is skipped unread).
    nonce_not_scalar: bool,
    unknown_key: bool,
}

/// The job title's two spellings, `jobTitle` and `job_title`, as read.
#[derive(Default)]
struct JobTitle {
    /// The last value of each spelling (`Some(None)` for a last `null`).
    camel: Option<Option<String>>,
    snake: Option<Option<String>>,
}

impl JobTitle {
    /// The README's rule: each spelling's last value counts, `null` is
    /// absent, both present and different is an error (`Err`), else the
    /// one given, whatever the order of the keys.
    fn resolve(self) -> Result<Option<String>, ()> {
        match (self.camel.flatten(), self.snake.flatten()) {
            (Some(a), Some(b)) if a != b => Err(()),
            (a, b) => Ok(a.or(b)),
        }
    }
}

/// The fields, or `None` when the map is an error: a value of the wrong
/// type, a bad `attributes` map, or two spellings with different values.
fn read_fields(entries: &[(String, Json)]) -> Option<Fields> {
    let mut fields = Fields::default();
    let mut job_title = JobTitle::default();
    for (key, value) in entries {
        let string = || match value {
            Json::Null => Some(None),
            Json::String(s) => Some(Some(s.clone())),
            _ => None,
        };
        let slot = match key.as_str() {
            "email" => &mut fields.email,
            "name" => &mut fields.name,
            "company" => &mut fields.company,
            "jobTitle" => {
                job_title.camel = Some(string()?);
                continue;
            }
            "job_title" => {
                job_title.snake = Some(string()?);
                continue;
            }
            "avatar" => &mut fields.avatar,
            "attributes" => {
                fields.attributes = Some(read_attributes(value)?);
                continue;
            }
            "nonce" => {
                fields.nonce_not_scalar |= matches!(value, Json::Array(_) | Json::Object(_));
                fields.nonce = Some(value.clone());
                continue;
            }
            _ => {
                fields.unknown_key = true;
                continue;
            }
        };
        *slot = string()?;
    }
    fields.job_title = job_title.resolve().ok()?;
    Some(fields)
}

/// Whether JavaScript reads this number as the same value: any float, and
/// an integer within ±(2^53 - 1).
fn js_exact(n: &serde_json::Number) -> bool {
    const MAX_SAFE: u64 = 9_007_199_254_740_991;
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => u <= MAX_SAFE,
        (None, Some(i)) => i.unsigned_abs() <= MAX_SAFE,
        (None, None) => true,
    }
}

/// `null` is no attributes; in a map a `null` value is skipped, strings,
/// numbers (integers within ±(2^53 - 1)) and booleans are kept, anything
/// else is an error, and so is a 31st key with a value.
fn read_attributes(value: &Json) -> Option<BTreeMap<String, AttributeValue>> {
    let mut attributes = BTreeMap::new();
    match value {
        Json::Null => {}
        Json::Object(entries) => {
            for (key, value) in entries {
                let value = match value {
                    Json::Null => continue,
                    Json::Bool(b) => AttributeValue::Bool(*b),
                    Json::Number(n) if js_exact(n) => AttributeValue::Number(n.clone()),
                    Json::String(s) => AttributeValue::String(s.clone()),
                    Json::Number(_) | Json::Array(_) | Json::Object(_) => return None,
                };
                attributes.insert(key.clone(), value);
                if attributes.len() > ATTRIBUTES_LIMIT {
                    return None;
                }
            }
        }
        _ => return None,
    }
    Some(attributes)
}

/// A user: an email string, or a map with an email (other keys ignored).
/// `Some(None)` for an error; `None` when the model has no opinion.
fn model_identity(doc: &Json) -> Option<Option<Model>> {
    match doc {
        Json::String(email) => Some(Some(Model {
            email: email.clone(),
            ..Model::default()
        })),
        Json::Object(entries) => {
            let Some(fields) = read_fields(entries) else {
                return Some(None);
            };
            let Some(email) = fields.email else {
                return Some(None);
            };
            Some(Some(Model {
                email,
                name: fields.name,
                company: fields.company,
                job_title: fields.job_title,
                avatar: fields.avatar,
                attributes: fields.attributes.unwrap_or_default(),
            }))
        }
        _ => Some(None),
    }
}

/// Template arguments: a map of Beacon's fields and a string `nonce`; an
/// unknown key or a `null` nonce is an error. `Some(None)` for an error;
/// `None` when the model has no opinion.
fn model_args(doc: &Json) -> Option<Option<ArgsModel>> {
    let Json::Object(entries) = doc else {
        return Some(None);
    };
    let Some(fields) = read_fields(entries) else {
        return Some(None);
    };
    if fields.unknown_key || fields.nonce_not_scalar {
        return Some(None);
    }
    let nonce = match fields.nonce {
        None => None,
        Some(Json::String(nonce)) => Some(nonce),
        Some(_) => return Some(None),
    };
    Some(Some(ArgsModel {
        email: fields.email,
        name: fields.name,
        company: fields.company,
        job_title: fields.job_title,
        avatar: fields.avatar,
        attributes: fields.attributes.unwrap_or_default(),
        nonce,
    }))
}

// --------------------------------------------------------------------- JSON

/// A JSON value that keeps the order and the duplicates of object keys
/// (serde_json's `Value` keeps neither here).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Json>),
    /// A map's entries in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// One JSON document, or `None` when serde_json refuses the bytes.
    pub fn parse(bytes: &[u8]) -> Option<Json> {
        serde_json::from_slice(bytes).ok()
    }

    fn from_attribute(value: &AttributeValue) -> Json {
        match value {
            AttributeValue::String(s) => Json::String(s.clone()),
            AttributeValue::Number(n) => Json::Number(n.clone()),
            AttributeValue::Bool(b) => Json::Bool(*b),
        }
    }

    /// Compact JSON text, duplicates and all.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => {
                out.push_str(&serde_json::to_string(n).expect("a number serializes"))
            }
            Json::String(s) => {
                out.push_str(&serde_json::to_string(s).expect("a string serializes"))
            }
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    Json::String(key.clone()).write(out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Json, E> {
                serde_json::Number::from_f64(v)
                    .map(Json::Number)
                    .ok_or_else(|| E::custom("a non-finite number"))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Json, E> {
                Ok(Json::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Json>()? {
                    entries.push(entry);
                }
                Ok(Json::Object(entries))
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}
