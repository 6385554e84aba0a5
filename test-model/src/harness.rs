//! The fuzz targets' checks (`fuzz/fuzz_targets/*`), shared with their
//! stable CI equivalent (`core/tests/fuzz_equivalent.rs`), so both run
//! exactly the same invariants.
//!
//! Every input goes through `Identity` deserialization, validation under
//! both [`LimitPolicy`] values, [`Signer::identify`],
//! [`IdentifyCall::script_tag`], [`template::render`] and
//! [`template::render_logout`]. An error is fine; a panic anywhere is a
//! finding. Every success is checked against the model of this crate, never
//! against the core:
//!
//! - the call is ASCII, and its JSON part is exactly the text the escaping
//!   rule ([`crate::escape`]) gives, so none of the characters it escapes is
//!   ever raw;
//! - it parses back (keeping order and duplicates) into exactly the entries
//!   `IdentifyCall` documents: `name`, `email`, `company`, `jobTitle`,
//!   `avatar`, the custom attributes in key order, `signature` last; the
//!   email is the identity's byte for byte and the signature is
//!   [`rules::signature`]; name, company and jobTitle within their limits in
//!   UTF-16 code units, cut (by default) at the last extended grapheme
//!   cluster boundary that fits; an avatar [`rules::avatar_kept`] refuses left
//!   out (by default); integers within ±(2^53 - 1);
//! - a `script_tag` holds exactly one `<script` and one `</script>`;
//! - what a JSON document deserializes to, and what `render` makes of a user
//!   and template arguments, match [`crate::model`] (which keys count, `null`
//!   means absent, the last of a duplicate key wins, `jobTitle` and
//!   `job_title` with different values is an error, an `attributes` map
//!   stops at a 31st attribute or an integer beyond ±(2^53 - 1), anything
//!   else is an error); so does `render_logout`;
//! - every error has a cause in the input, and no message shows the secret.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use helpscout_beacon::template;
use helpscout_beacon::{AttributeValue, Error, Field, IdentifyCall, Identity, LimitPolicy, Signer};

use crate::escape::{PREFIX, SUFFIX, assert_script_safe, script_safe_text};
use crate::json::{Json, reparse};
use crate::model::{Model, expected_logout, model_args, model_identity, model_logout};
use crate::rules::{
    self, ATTRIBUTES_LIMIT, AVATAR_LIMIT, COMPANY_LIMIT, JOB_TITLE_LIMIT, NAME_LIMIT, avatar_kept,
    js_exact, padded, plain_key, reserved_key, utf16_len, valid_nonce,
};

/// The key of [`check_bytes`]. It holds [`SECRET_MARKER`], so when an input
/// has that character neither raw nor as a JSON escape, no output may
/// contain it: a text that does shows (part of) the key.
pub const SECRET: &str = "fuzz-secret-\u{a66e}-7Kq2";
/// The character of [`SECRET`] that gives a leak away (U+A66E).
pub const SECRET_MARKER: char = '\u{a66e}';
/// A nonce with every character the CSP grammar allows.
pub const VALID_NONCE: &str = "r4nd0m+/-_NONCE==";
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
                model.as_ref().map(build).as_ref(),
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

    // The template arguments, over no input and over the user: `render`
    // reads both from the bytes itself.
    let without_input = check_render(&ctx, args_bytes, None);
    let over_user = check_render(&ctx, args_bytes, Some(user_bytes));
    match &optional {
        // `null` is no input.
        Ok(None) => assert_eq!(over_user, without_input, "render over null"),
        // A user that does not read is `render`'s error too.
        Err(_) => {
            for rendered in &over_user {
                assert!(rendered.is_err(), "render over {}", lossy(user_bytes));
            }
        }
        Ok(Some(_)) => {}
    }
    check_logout(args_bytes);
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
    let identity = build(model);
    assert_eq!(identity.email(), model.email);
    assert_eq!(attributes_json(&identity), model.attributes);

    // The same user as a map, as a plain email string and as template
    // arguments deserializes to the same identity (up to what serde_json's
    // float parser reads back: see `reparse`), unless its attributes cannot
    // be read: past Beacon's 30, or an integer beyond JavaScript's exact
    // range (the builder takes both, and `identify` refuses them).
    let text = model.to_json().to_text();
    let readable = model.attributes.len() <= ATTRIBUTES_LIMIT
        && model.attributes.values().all(|v| match v {
            Json::Number(n) => js_exact(n),
            _ => true,
        });
    let read_back = readable.then(|| build(&model.reparsed()));
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

    check_identify(
        &ctx,
        &identity,
        Some(model),
        &[None, Some(VALID_NONCE), nonce],
    );

    // The user map as template arguments, over no input: unreadable
    // attributes are `render`'s error too.
    let as_arguments = check_render(&ctx, text.as_bytes(), None);
    if !readable {
        for rendered in as_arguments {
            assert!(rendered.is_err(), "render with the arguments {text}");
        }
    }
    // The user map as the input, with only a nonce argument (when there is
    // one). A user `render` cannot read is its error, with the message
    // `Identity`'s deserialization gives.
    let mut args_doc = Vec::new();
    if let Some(nonce) = nonce {
        args_doc.push(("nonce".to_owned(), Json::String(nonce.to_owned())));
    }
    let args_text = Json::Object(args_doc).to_text();
    let rendered = check_render(&ctx, args_text.as_bytes(), Some(text.as_bytes()));
    if let Err(error) = parsed {
        for rendered in rendered {
            assert_eq!(rendered, Err(error.to_string()), "render of {text}");
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
            0 => Some(Json::String(r.string())),
            1 => Some(Json::Number(i64::from_le_bytes(r.array()).into())),
            2 => Some(Json::Number(u64::from_le_bytes(r.array()).into())),
            3 => serde_json::Number::from_f64(f64::from_le_bytes(r.array())).map(Json::Number),
            _ => Some(Json::Bool(r.byte() & 1 == 1)),
        };
        // The builder replaces a key given twice; so does the model.
        if let Some(value) = value {
            model.attributes.insert(key, value);
        }
    }
    let nonce = r.optional();
    (secret, model, nonce)
}

/// The identity `model` describes, through the public builder.
pub fn build(model: &Model) -> Identity {
    let mut identity = Identity::new(model.email.clone());
    if let Some(name) = &model.name {
        identity = identity.name(name.clone());
    }
    if let Some(company) = &model.company {
        identity = identity.company(company.clone());
    }
    if let Some(job_title) = &model.job_title {
        identity = identity.job_title(job_title.clone());
    }
    if let Some(avatar) = &model.avatar {
        identity = identity.avatar(avatar.clone());
    }
    for (key, value) in &model.attributes {
        let value = match value {
            Json::String(s) => AttributeValue::String(s.clone()),
            Json::Number(n) => AttributeValue::Number(n.clone()),
            Json::Bool(b) => AttributeValue::Bool(*b),
            other => panic!("attribute {key}: {other:?} is not a scalar"),
        };
        identity = identity.attribute(key.clone(), value);
    }
    identity
}

/// An identity's custom attributes as the model writes them.
fn attributes_json(identity: &Identity) -> BTreeMap<String, Json> {
    let value = |v: &AttributeValue| match v {
        AttributeValue::String(s) => Json::String(s.clone()),
        AttributeValue::Number(n) => Json::Number(n.clone()),
        AttributeValue::Bool(b) => Json::Bool(*b),
    };
    identity
        .attributes()
        .iter()
        .map(|(k, v)| (k.clone(), value(v)))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn lossy(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
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
    pub fn new(secret: &[u8]) -> Option<Signers> {
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

    /// The signer of `policy`.
    pub fn get(&self, policy: LimitPolicy) -> &Signer {
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
                    avatar.is_some_and(|a| utf16_len(a) <= AVATAR_LIMIT && !avatar_kept(a)),
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

/// The checks of every call: its text, the script-safe JSON, the signature
/// (and `verify`), then the entries against the model when there is one,
/// else against the identity's email and attributes and Beacon's limits.
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
    let email = identity.email();
    assert!(!email.is_empty(), "an empty email was signed");
    let signature = rules::signature(&ctx.signers.secret, email);
    assert_eq!(call.signature().as_str(), signature);
    let signer = ctx.signers.get(policy);
    assert!(signer.verify(email, &signature));
    assert!(
        !signer.verify(email, &signature.to_ascii_uppercase())
            || !signature.bytes().any(|b| b.is_ascii_alphabetic())
    );

    let entries = check_emitted(ctx, text);
    let expected = match model {
        Some(model) => {
            assert!(
                policy == LimitPolicy::Truncate || model.within_limits(),
                "Strict accepted what the default policy cuts or leaves out: {model:?}"
            );
            model.expected_entries(&ctx.signers.secret)
        }
        // No model: Beacon's fields as emitted (`check_emitted` held them
        // to the limits), the identity's email and attributes.
        None => {
            let mut expected: Vec<(String, Json)> = entries
                .iter()
                .filter(|(k, _)| ["name", "company", "jobTitle", "avatar"].contains(&k.as_str()))
                .cloned()
                .collect();
            let at = usize::from(expected.first().is_some_and(|(k, _)| k == "name"));
            expected.insert(at, ("email".to_owned(), Json::String(email.to_owned())));
            expected.extend(attributes_json(identity));
            expected.push(("signature".to_owned(), Json::String(signature)));
            expected
        }
    };
    // Byte for byte, as the escaping rule writes it (numbers as serde_json
    // writes them).
    assert_eq!(json, script_safe_text(&expected), "the text of the call");
    // And as read back, numbers as serde_json reads its own text back.
    assert_eq!(entries, reparsed(expected), "the entries of {json}");
}

fn reparsed(mut entries: Vec<(String, Json)>) -> Vec<(String, Json)> {
    for (_, value) in &mut entries {
        if let Json::Number(n) = value {
            *n = reparse(n);
        }
    }
    entries
}

/// What any emitted identify call must be, whatever made it: the prefix and
/// suffix around a script-safe JSON object, no secret, Beacon's fields in
/// Beacon's order within their limits, at most 30 custom attributes in key
/// order with plain, unreserved keys and exact numbers, and the signature
/// of the email last. Returns the object's entries.
fn check_emitted(ctx: &Ctx<'_>, text: &str) -> Vec<(String, Json)> {
    let json = text
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .unwrap_or_else(|| panic!("not an identify call: {text}"));
    assert_script_safe(json);
    ctx.no_secret(text);
    let entries = match serde_json::from_str::<Json>(json) {
        Ok(Json::Object(entries)) => entries,
        other => panic!("{json} is not a JSON object: {other:?}"),
    };
    let Some(((last, signature), rest)) = entries.split_last() else {
        panic!("an empty object: {json}")
    };
    assert_eq!(last, "signature", "{json}");
    let string = |value: &Json| match value {
        Json::String(s) => s.clone(),
        other => panic!("{other:?} is not a string in {json}"),
    };
    let beacon = ["name", "email", "company", "jobTitle", "avatar"];
    let split = rest
        .iter()
        .position(|(k, _)| !beacon.contains(&k.as_str()))
        .unwrap_or(rest.len());
    let (fields, attributes) = rest.split_at(split);
    let order: Vec<usize> = fields
        .iter()
        .map(|(k, _)| beacon.iter().position(|b| b == k).expect("a field"))
        .collect();
    assert!(
        order.is_sorted() && order.windows(2).all(|w| w[0] < w[1]),
        "{json}"
    );
    let mut email = None;
    for (key, value) in fields {
        let value = string(value);
        match rules::limit_of(key) {
            Some(limit) => assert!(utf16_len(&value) <= limit, "{key} over {limit} in {json}"),
            None if key == "avatar" => assert!(avatar_kept(&value), "avatar {value:?} accepted"),
            None => email = Some(value),
        }
    }
    let email = email.unwrap_or_else(|| panic!("no email in {json}"));
    assert_eq!(
        string(signature),
        rules::signature(&ctx.signers.secret, &email),
        "the signature of {email:?}"
    );
    assert!(
        attributes.len() <= ATTRIBUTES_LIMIT,
        "{} attributes",
        attributes.len()
    );
    assert!(
        attributes.windows(2).all(|w| w[0].0 < w[1].0),
        "key order in {json}"
    );
    for (key, value) in attributes {
        assert!(
            plain_key(key) && !reserved_key(key),
            "attribute key {key:?} accepted"
        );
        match value {
            Json::Number(n) => assert!(js_exact(n), "attribute {key}: {n} accepted"),
            Json::String(_) | Json::Bool(_) => {}
            other => panic!("attribute {key}: {other:?}"),
        }
    }
    entries
}

/// `render` of the arguments `args` over the input `input` (absent for
/// `None`), both read by `render` from their JSON bytes, under both
/// policies; an error as its message.
///
/// When the model reads both documents, `render` must be what the model
/// says: an error where it sees one ([`Error::MissingEmail`]'s message when
/// neither gives an email), else exactly `identify` on the model's identity
/// (built with the builder), then `script_tag` with the nonce, and that call
/// is checked against the model like any other. Without a model, a text
/// `render` returns is held to what any call must be.
fn check_render(ctx: &Ctx<'_>, args: &[u8], input: Option<&[u8]>) -> [Result<String, String>; 2] {
    let rendered = POLICIES.map(|policy| {
        let mut user = input.map(serde_json::Deserializer::from_slice);
        let mut arguments = serde_json::Deserializer::from_slice(args);
        let rendered = template::render(ctx.signers.get(policy), user.as_mut(), &mut arguments);
        let rendered = rendered.map_err(|e| e.to_string());
        if let Err(error) = &rendered {
            ctx.no_secret(error);
        }
        rendered
    });
    // The model of the input (`Some(None)` for none) and of the arguments.
    let input_model = match input.map(Json::parse) {
        None | Some(Some(Json::Null)) => Read::Model(None),
        Some(None) => Read::NoOpinion,
        Some(Some(doc)) => Read::from(model_identity(&doc)).map(Some),
    };
    let args_model = match Json::parse(args) {
        // `null` may read as no arguments or as an error, depending on the
        // deserializer; the model has no opinion there.
        None | Some(Json::Null) => Read::NoOpinion,
        Some(doc) => Read::from(model_args(&doc)),
    };
    let expected = match (input_model, args_model) {
        // Each is read whatever the other is: an error either way.
        (Read::Error, _) | (_, Read::Error) => {
            for (policy, rendered) in POLICIES.iter().zip(&rendered) {
                assert!(
                    rendered.is_err(),
                    "render under {policy:?} of an error: {rendered:?}"
                );
            }
            return rendered;
        }
        (Read::Model(input), Read::Model(args)) => {
            args.apply(input.as_ref()).map(|m| (m, args.nonce))
        }
        (Read::NoOpinion, _) | (_, Read::NoOpinion) => {
            for (policy, rendered) in POLICIES.iter().zip(&rendered) {
                if let Ok(text) = rendered {
                    check_rendered(ctx, *policy, text);
                }
            }
            return rendered;
        }
    };
    let Some((model, nonce)) = expected else {
        for rendered in &rendered {
            assert_eq!(
                *rendered,
                Err(Error::MissingEmail.to_string()),
                "render without an email"
            );
        }
        return rendered;
    };
    let identity = build(&model);
    for (policy, rendered) in POLICIES.iter().zip(&rendered) {
        let composed = ctx
            .signers
            .get(*policy)
            .identify(&identity)
            .and_then(|call| match &nonce {
                Some(nonce) => call.script_tag(Some(nonce)),
                None => Ok(call.into_string()),
            });
        assert_eq!(
            *rendered,
            composed.map_err(|e| e.to_string()),
            "render under {policy:?}"
        );
    }
    check_identify(ctx, &identity, Some(&model), &[nonce.as_deref()]);
    rendered
}

/// What the model makes of a document.
enum Read<T> {
    NoOpinion,
    Error,
    Model(T),
}

impl<T> Read<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Read<U> {
        match self {
            Read::NoOpinion => Read::NoOpinion,
            Read::Error => Read::Error,
            Read::Model(model) => Read::Model(f(model)),
        }
    }
}

impl<T> From<Option<Option<T>>> for Read<T> {
    fn from(model: Option<Option<T>>) -> Self {
        match model {
            None => Read::NoOpinion,
            Some(None) => Read::Error,
            Some(Some(model)) => Read::Model(model),
        }
    }
}

/// A text `render` returned without a model to compare with: a call, or a
/// script element with a valid nonce around one.
fn check_rendered(ctx: &Ctx<'_>, policy: LimitPolicy, text: &str) {
    let call = match text.strip_prefix("<script nonce=\"") {
        Some(rest) => {
            let (nonce, rest) = rest.split_once("\">").expect("a script element");
            assert!(valid_nonce(nonce), "nonce {nonce:?} accepted");
            rest.strip_suffix("</script>")
                .expect("the script element ends")
        }
        None => text,
    };
    let lower = text.to_ascii_lowercase();
    assert!(lower.matches("<script").count() <= 1, "{text}");
    assert!(lower.matches("</script").count() <= 1, "{text}");
    let entries = check_emitted(ctx, call);
    if policy == LimitPolicy::Strict {
        // What Strict emits, Truncate emits too: nothing was cut.
        for (key, value) in &entries {
            if let (Some(limit), Json::String(value)) = (rules::limit_of(key), value) {
                assert!(utf16_len(value) <= limit, "{key}");
            }
        }
    }
}

/// `render_logout` of the arguments, read from their JSON bytes, against
/// the model: the call (with `endActiveChat` when true), in a script element
/// with the nonce when there is one; an error where the model sees one.
fn check_logout(args: &[u8]) {
    let rendered = template::render_logout(&mut serde_json::Deserializer::from_slice(args))
        .map_err(|e| e.to_string());
    let model = match Json::parse(args) {
        None | Some(Json::Null) => None,
        Some(doc) => model_logout(&doc),
    };
    match model {
        Some(Some((end, nonce))) => {
            let expected = expected_logout(end, nonce.as_deref())
                .ok_or_else(|| Error::InvalidNonce.to_string());
            assert_eq!(rendered, expected, "render_logout of {}", lossy(args));
        }
        Some(None) => assert!(
            rendered.is_err(),
            "render_logout of {}: {rendered:?}",
            lossy(args)
        ),
        None => {
            if let Ok(text) = rendered {
                let plain = [
                    "window.Beacon('logout');",
                    r#"window.Beacon('logout', {"endActiveChat":true});"#,
                ];
                assert!(
                    plain.iter().any(|call| text == *call
                        || (text.ends_with(&format!("\">{call}</script>"))
                            && text.starts_with("<script nonce=\""))),
                    "{text}"
                );
            }
        }
    }
}
