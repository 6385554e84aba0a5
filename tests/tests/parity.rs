//! The same user through the core and each engine, in autoescaped `.html`
//! templates: byte-identical output, under both limit policies.

use helpscout_beacon::template;
use helpscout_beacon::{Identity, LimitPolicy, Signer};
use helpscout_beacon_tests::corpus::{hostile_strings, users};
use helpscout_beacon_tests::{ENGINES, Engines, Form, context};
use serde_json::{Value, json};

const SECRET: &str = "parity-secret";
const NONCE: &str = "rAnd0m+/nonce-_==";

/// What the core alone emits for this user in this form.
fn expected(signer: &Signer, user: &Value, form: Form) -> Result<String, String> {
    let identity: Identity = serde_json::from_value(user.clone()).map_err(|e| e.to_string())?;
    let call = signer.identify(&identity).map_err(|e| e.to_string())?;
    match form {
        Form::UserWithNonce => call.script_tag(Some(NONCE)).map_err(|e| e.to_string()),
        Form::User | Form::EmailWithArguments => Ok(call.into_string()),
    }
}

/// Runs every user in every form through every engine; returns how many
/// (user, form) pairs rendered and how many failed alike everywhere.
fn check_parity(policy: LimitPolicy, users: &[Value]) -> (usize, usize) {
    let signer = Signer::new(SECRET).unwrap().with_policy(policy);
    let mut engines = Engines::new(&signer);
    let (mut rendered, mut refused) = (0, 0);
    for user in users {
        for form in [Form::User, Form::UserWithNonce, Form::EmailWithArguments] {
            let name = engines.template_for(form, user);
            let outputs = engines.render(&name, &context(user, NONCE));
            match expected(&signer, user, form) {
                Ok(text) => {
                    for (engine, output) in ENGINES.iter().zip(&outputs) {
                        assert_eq!(
                            output.as_ref(),
                            Ok(&text),
                            "{engine}, {form:?}, user {user}"
                        );
                    }
                    rendered += 1;
                }
                Err(message) => {
                    for (engine, output) in ENGINES.iter().zip(&outputs) {
                        let error = output.as_ref().expect_err(engine.name());
                        assert!(
                            error.contains(&message),
                            "{engine}, {form:?}: {error:?} lacks {message:?}"
                        );
                    }
                    refused += 1;
                }
            }
        }
    }
    (rendered, refused)
}

#[test]
fn corpus_is_large_enough() {
    assert!(
        hostile_strings().len() >= 500,
        "{}",
        hostile_strings().len()
    );
    assert!(users().len() >= 300);
}

#[test]
fn every_engine_matches_the_core_under_the_default_policy() {
    let users = users();
    let (rendered, refused) = check_parity(LimitPolicy::Truncate, &users);
    assert_eq!(refused, 0, "the corpus is valid under the default policy");
    assert_eq!(rendered, users.len() * 3);
}

#[test]
fn every_engine_matches_the_core_under_the_strict_policy() {
    let users = users();
    let (rendered, refused) = check_parity(LimitPolicy::Strict, &users);
    // The strings over 60 or 80 characters are refused, everywhere alike.
    assert!(
        refused > 0 && rendered > refused,
        "{rendered} rendered, {refused} refused"
    );
}

#[test]
fn truncation_happens_on_grapheme_boundaries_within_utf16_units_in_every_engine() {
    let signer = Signer::new(SECRET).unwrap();
    let mut engines = Engines::new(&signer);
    let family = "👩\u{200d}👩\u{200d}👧"; // one cluster of 8 UTF-16 code units
    let user = json!({
        "email": "a@b.c",
        "name": "😀".repeat(81),
        "company": "é".repeat(61),
        "jobTitle": format!("{}{family}", "x".repeat(55)),
    });
    let name = engines.template_for(Form::User, &user);
    for output in engines.render(&name, &context(&user, NONCE)) {
        let output = output.unwrap();
        // 40 emoji are the 80 code units that fit; each a surrogate pair.
        let name = format!(r#""name":"{}""#, r"\ud83d\ude00".repeat(40));
        let company = format!(r#""company":"{}""#, r"\u00e9".repeat(60));
        // The family would end at 63 units: it goes whole, never split.
        let job_title = format!(r#""jobTitle":"{}""#, "x".repeat(55));
        assert!(
            output.contains(&name) && output.contains(&company) && output.contains(&job_title),
            "{output}"
        );
    }
}

#[test]
fn arguments_override_the_users_fields_alike() {
    let signer = Signer::new(SECRET).unwrap();
    let mut engines = Engines::new(&signer);
    let user = json!({"email": "a@b.c", "name": "Old", "company": "Acme"});
    let jinja = r#"{{ user | beacon_identify(name="New <b>", nonce=nonce) }}"#;
    let hbs = r#"{{beacon_identify user name="New <b>" nonce=nonce}}"#;
    engines.add_raw("o.html", jinja, hbs);
    let args = json!({"name": "New <b>", "nonce": NONCE});
    let expected = template::render(&signer, Some(&user), &args).unwrap();
    assert!(expected.contains(r#""name":"New\u0020\u003cb\u003e""#));
    for output in engines.render("o.html", &context(&user, NONCE)) {
        assert_eq!(output.unwrap(), expected);
    }
}
