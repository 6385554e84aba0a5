//! Node's V8 runs every identify call of 10,000 generated identities (and
//! the hostile corpus) per engine, each in a fresh `vm` context with a stub
//! `window.Beacon` and traps (`tests/js/v8_check.js`). The script computes
//! the signature itself with Node's `crypto` and compares what the stub
//! received with the fields this test expects, worked out independently of
//! the core (`oracle`).
//!
//! Without Node the test prints a loud SKIPPED line and returns; under
//! `CI=true` it fails instead.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use helpscout_beacon::Signer;
use helpscout_beacon_tests::browser::{node, run_with_timeout};
use helpscout_beacon_tests::page::{form_for, strip_script_element};
use helpscout_beacon_tests::{ENGINES, Engines, Form, context, corpus, generate, oracle};
use serde_json::{Value, json};

/// Generated identities per engine.
const GENERATED: usize = 10_000;
/// The generator's seed: the same identities on every run.
const SEED: u8 = 0x5e;
const NONCE: &str = "cSp+N0nce/x-_y==";

/// Three signers' keys: ASCII, non-ASCII (UTF-8 bytes are the key), and
/// longer than SHA-256's 64-byte block (HMAC hashes it first).
fn secrets() -> [String; 3] {
    [
        "v8-secret".to_owned(),
        "ключ-🔑-秘密\u{2028}</script>".to_owned(),
        "k".repeat(100),
    ]
}

/// The escaping rule, checked on the text alone: the prefix and suffix as
/// emitted, and in between only ASCII from `!` to DEL (U+007F, which the
/// rule leaves as it is: it is no JSON control character), none of `<` `>` `&` `'`
/// `` ` `` `$` space `/` `=` (the JSON's own structure has none of them,
/// so they can only be in a string, where they must be `\uXXXX`).
fn check_script_safe(text: &str) -> Result<(), String> {
    let object = text
        .strip_prefix("window.Beacon('identify', {")
        .and_then(|t| t.strip_suffix("});"))
        .ok_or("not window.Beacon('identify', {…});")?;
    match object.chars().find(|c| {
        !matches!(c, '\x21'..='\x7f') || matches!(c, '<' | '>' | '&' | '\'' | '`' | '$' | '/' | '=')
    }) {
        Some(c) => Err(format!("unescaped {c:?}")),
        None => Ok(()),
    }
}

/// Runs `cases` through `tests/js/v8_check.js` in one Node process and
/// returns its report.
fn run_cases(node: &Path, cases: &[Value]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.json");
    std::fs::write(&path, serde_json::to_vec(cases).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/js/v8_check.js");
    let output = run_with_timeout(
        Command::new(node).arg(script).arg(&path),
        Duration::from_secs(300),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "node failed: {stderr}");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("node printed no report ({e}): {stderr}"))
}

#[test]
fn every_identity_runs_in_a_fresh_v8_context_as_expected() {
    let Some(node) = node() else { return };
    let start = Instant::now();
    let mut users = generate::users(SEED, GENERATED);
    users.extend(corpus::users());
    let secrets = secrets();
    let mut engines: Vec<Engines> = secrets
        .iter()
        .map(|secret| Engines::new(&Signer::new(secret).unwrap()))
        .collect();

    let mut cases = Vec::with_capacity(users.len() * ENGINES.len());
    for (i, user) in users.iter().enumerate() {
        // Secret and form vary independently over the identities.
        let (key, form) = (i % 3, form_for(i / 3));
        let engines = &mut engines[key];
        let template = engines.template_for(form, user);
        let expected: Vec<Value> = oracle::expected_fields(user)
            .into_iter()
            .map(|(k, v)| json!([k, v]))
            .collect();
        for (engine, name) in ENGINES.map(|e| (e, e.name())) {
            let rendered = engines
                .render_one(engine, &template, &context(user, NONCE))
                .unwrap_or_else(|e| panic!("{name} refused identity {i} {user}: {e}"));
            let text = match form {
                Form::UserWithNonce => strip_script_element(&rendered, NONCE)
                    .unwrap_or_else(|| panic!("{name}, identity {i}: {rendered:?}"))
                    .to_owned(),
                Form::User | Form::EmailWithArguments => rendered,
            };
            if let Err(problem) = check_script_safe(&text) {
                panic!("{name}, identity {i}: {problem} in {text:?}");
            }
            cases.push(json!({
                "engine": name, "id": i, "secret": secrets[key],
                "text": text, "expected": expected,
            }));
        }
    }
    let rendered_in = start.elapsed();

    let report = run_cases(&node, &cases);
    assert_eq!(
        report["mismatchCount"], 0,
        "mismatches in V8: {:#}",
        report["mismatches"]
    );
    assert_eq!(report["cases"], cases.len());
    assert_eq!(report["passed"], cases.len());
    for name in ENGINES {
        assert_eq!(report["perEngine"][name.name()], users.len(), "{name}");
    }
    eprintln!(
        "V8: {} identities ({GENERATED} generated + {} corpus) x {} engines = {} cases passed \
         (rendered in {rendered_in:.1?}, {:.1?} in all)",
        users.len(),
        users.len() - GENERATED,
        ENGINES.len(),
        cases.len(),
        start.elapsed()
    );
}

/// In a JavaScript object literal, `"__proto__": "x"` sets the prototype
/// (and is ignored for a non-object value) instead of making a property, so
/// an attribute with that key would vanish on its way to Beacon: every
/// engine refuses it.
#[test]
fn an_attribute_javascript_would_drop_is_refused() {
    let mut engines = Engines::new(&Signer::new("proto-secret").unwrap());
    let user = json!({"email": "a@b.c", "attributes": {"__proto__": "x", "plan": "pro"}});
    let template = engines.template_for(Form::User, &user);
    for (engine, name) in ENGINES.map(|e| (e, e.name())) {
        let error = engines
            .render_one(engine, &template, &context(&user, NONCE))
            .expect_err(name);
        assert!(
            error.contains(r#"attributes: key "__proto__" sets an object's prototype"#),
            "{name}: {error}"
        );
    }
}
