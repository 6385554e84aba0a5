//! An HTML5 parser (html5ever, through scraper) reads every page the
//! browser test loads, and pages of generated identities: it finds exactly
//! the `<script>` elements that were emitted, each with exactly the emitted
//! text, so no input closed a script early, swallowed the next one, or
//! added an element. Needs no external tool, so it always runs.

use helpscout_beacon::Signer;
use helpscout_beacon_tests::corpus::{hostile_strings, users};
use helpscout_beacon_tests::page::{
    Page, check_scripts, corpus_page, csp_page, parse_errors, parsed_elements, parsed_scripts,
};
use helpscout_beacon_tests::{ENGINES, Engines, generate, oracle};
use serde_json::{Value, json};

const SECRET: &str = "html-parse-secret";
const NONCE: &str = "cSp+N0nce/x-_y==";
const WRONG_NONCE: &str = "wr0ng+N0nce/x-_y==";
/// Generated identities per engine, on top of the corpus.
const GENERATED: usize = 3_000;

/// The elements a page may hold: the frame's and the scripts, nothing
/// injected.
const FRAME: [&str; 6] = ["html", "head", "meta", "title", "body", "script"];

fn assert_page_parses(page: &Page, what: &str) {
    let html = page.html();
    let expected = page.expected_scripts();
    if let Err(problem) = check_scripts(&html, &expected) {
        panic!("{what}: {problem}");
    }
    let stray: Vec<String> = parsed_elements(&html)
        .into_iter()
        .filter(|name| !FRAME.contains(&name.as_str()))
        .collect();
    assert!(stray.is_empty(), "{what}: elements {stray:?} were injected");
    let errors = parse_errors(&html);
    assert!(errors.is_empty(), "{what}: parse errors {errors:?}");
}

#[test]
fn every_corpus_page_parses_to_exactly_the_emitted_scripts() {
    let users = users();
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    for (engine, name) in ENGINES.map(|e| (e, e.name())) {
        let page = corpus_page(&mut engines, engine, &users, NONCE);
        assert_eq!(page.expected_scripts().len(), users.len() + 2);
        assert_page_parses(&page, name);
    }
}

#[test]
fn every_csp_page_parses_to_exactly_the_emitted_scripts() {
    let users = users();
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    for (engine, name) in ENGINES.map(|e| (e, e.name())) {
        for policy in [true, false] {
            let page = csp_page(
                &mut engines,
                engine,
                (&users[0], &users[3]),
                (NONCE, WRONG_NONCE),
                policy,
            );
            assert_eq!(page.expected_scripts().len(), 5);
            assert_page_parses(&page, &format!("{name}, policy {policy}"));
        }
    }
}

#[test]
fn generated_identities_parse_to_exactly_the_emitted_scripts() {
    let users = generate::users(7, GENERATED);
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    for (engine, name) in ENGINES.map(|e| (e, e.name())) {
        let page = corpus_page(&mut engines, engine, &users, NONCE);
        assert_eq!(page.expected_scripts().len(), GENERATED + 2);
        assert_page_parses(&page, name);
    }
}

/// The check has teeth: the same frame with a call written by plain
/// `serde_json` (which leaves `</script>` alone) does not parse as emitted.
#[test]
fn a_naively_encoded_call_is_caught() {
    let user = json!({"name": "</script><script>alert(1)</script>", "email": "a@b.c"});
    let naive = format!(
        "window.Beacon('identify', {});",
        serde_json::to_string(&user).unwrap()
    );
    let mut page = Page::new(None);
    page.call(&naive);
    let problem = check_scripts(&page.html(), &page.expected_scripts())
        .expect_err("a </script> in the text must close the element early");
    assert!(problem.contains("differs"), "{problem}");
    let comment = r#"window.Beacon('identify', {"name":"<!--<script>"});"#;
    let mut page = Page::new(None);
    page.call(comment);
    assert!(
        check_scripts(&page.html(), &page.expected_scripts()).is_err(),
        "<!--<script> in script data swallows the closing tag"
    );
    assert_eq!(parsed_scripts(&page.html()).len(), 2);
}

/// Every hostile string of the corpus is in an emitted field of some user.
#[test]
fn every_hostile_string_is_in_some_identity_field() {
    let fields: Vec<String> = users()
        .iter()
        .flat_map(|user| {
            // The emitted fields, and the limited ones before truncation.
            let strings: Vec<String> = oracle::expected_fields(user)
                .into_iter()
                .map(|(_, value)| value)
                .chain(
                    ["name", "company", "jobTitle"]
                        .iter()
                        .filter_map(|k| user.get(*k).cloned()),
                )
                .filter_map(|value| match value {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            strings
        })
        .collect();
    let missing: Vec<String> = hostile_strings()
        .into_iter()
        .filter(|s| !fields.iter().any(|field| field.contains(s.as_str())))
        .collect();
    assert!(missing.is_empty(), "not in any identity: {missing:?}");
    assert!(hostile_strings().len() >= 500);
}
