//! The example as a user runs it: start the binary on a free port, fetch
//! `/tera`, `/minijinja`, `/handlebars` and `/signed-out` over plain HTTP,
//! and check each page's one Beacon element (byte for byte the same from
//! Tera 1, MiniJinja 2 and Handlebars 5 but for the nonce), the logout
//! before `init` after sign-out, the CSP and what must not be on the page.
//! The shared checks are in `example-test-support`.

use std::collections::HashSet;

use example_test_support::{
    EMAIL, Env, Reply, Server, check_bad_beacon_id_is_an_error, check_demo_notices,
    check_empty_secret_is_an_error, check_signed_in, check_signed_out, get, hmac_hex,
};

const BIN: &str = env!("CARGO_BIN_EXE_rocket-older-majors");

/// Checks a signed-in page of an example run with `env`, rendered by
/// `engine`; returns its nonce and its Beacon element with the nonce taken
/// out.
fn check_page(reply: &Reply, env: Env<'_>, engine: &str) -> (String, String) {
    let tag = check_signed_in(reply, env);
    let body = &reply.body;
    assert!(
        body.contains(&format!("<p>Rendered by {engine} (rocket_dyn_templates).")),
        "not rendered by {engine}: {body}"
    );
    // The identify call as the core writes it: Beacon's fields in order,
    // the signature last, every `'` and `&` \u-escaped for the script
    // context.
    let signature = hmac_hex(env.signing_key(), EMAIL);
    assert_eq!(
        tag.identify,
        Some(&*format!(
            r#"{{"name":"Jane\u0020O\u0027Doe","email":"{EMAIL}","company":"Acme\u0020\u0026\u0020Co","jobTitle":"CTO","signature":"{signature}"}}"#
        )),
        "{body}"
    );
    assert!(body.contains("Hello, Jane O&#x27;Doe") || body.contains("Hello, Jane O&#39;Doe"));
    (tag.nonce.clone(), tag.without_nonce())
}

#[test]
fn every_engine_serves_the_same_whole_beacon_under_fresh_nonces() {
    let env = Env::CONFIGURED;
    let mut server = Server::start(BIN, env);
    let mut nonces = HashSet::new();
    let mut elements = HashSet::new();
    for _ in 0..2 {
        for (path, engine) in [
            ("/tera", "Tera 1"),
            ("/minijinja", "MiniJinja 2"),
            ("/handlebars", "Handlebars 5"),
        ] {
            let (nonce, element) = check_page(&get(&server.addr, path), env, engine);
            assert!(nonces.insert(nonce), "a fresh nonce per request");
            elements.insert(element);
        }
        let signed_out = get(&server.addr, "/signed-out");
        assert!(nonces.insert(check_signed_out(&signed_out, env, true).nonce));
    }
    assert_eq!(
        elements.len(),
        1,
        "byte-identical Beacon elements but for the nonce: {elements:#?}"
    );
    assert_eq!(server.stop(), "", "quiet with a secret and an ID set");
}

#[test]
fn without_configuration_it_uses_the_demo_key_and_id_and_says_so() {
    let env = Env::UNSET;
    let mut server = Server::start(BIN, env);
    check_page(&get(&server.addr, "/tera"), env, "Tera 1");
    check_page(&get(&server.addr, "/minijinja"), env, "MiniJinja 2");
    check_page(&get(&server.addr, "/handlebars"), env, "Handlebars 5");
    check_signed_out(&get(&server.addr, "/signed-out"), env, true);
    check_demo_notices(&server.stop());
}

#[test]
fn an_unusable_secret_is_an_error_not_a_fallback() {
    check_empty_secret_is_an_error(BIN);
}

#[test]
fn a_bad_beacon_id_is_an_error_not_a_fallback() {
    check_bad_beacon_id_is_an_error(BIN);
}
