//! The example as a user runs it: start the binary on a free port, fetch
//! `/tera`, `/minijinja`, `/handlebars` and `/signed-out` over plain HTTP,
//! and check the CSP nonce, the signed identify call (byte for byte the same
//! from Tera 1, MiniJinja 2 and Handlebars 5), the logout call and what must
//! not be on the page. The shared checks are in `example-test-support`.

use std::collections::HashSet;

use example_test_support::{
    DEMO_SECRET, EMAIL, Reply, SECRET, Server, check_demo_key_warning,
    check_empty_secret_is_an_error, check_frame, check_identify_json, get, hmac_hex,
};

const BIN: &str = env!("CARGO_BIN_EXE_rocket-older-majors");

/// Checks a signed-in page signed with `secret` and rendered by `engine`;
/// returns its nonce and its identify element with the nonce taken out.
fn check_signed_in(reply: &Reply, secret: &str, engine: &str) -> (String, String) {
    let (nonce, identify) = check_frame(reply);
    let body = &reply.body;
    assert!(
        body.contains(&format!("<p>Rendered by {engine} (rocket_dyn_templates).")),
        "not rendered by {engine}: {body}"
    );

    // The element as the core writes it: Beacon's fields in order, the
    // signature last, every `'` and `&` \u-escaped for the script context.
    let signature = hmac_hex(secret, EMAIL);
    assert_eq!(
        identify,
        format!(
            r#"<script nonce="{nonce}">window.Beacon('identify', {{"name":"Jane\u0020O\u0027Doe","email":"{EMAIL}","company":"Acme\u0020\u0026\u0020Co","jobTitle":"CTO","signature":"{signature}"}});</script>"#
        ),
        "{body}"
    );
    let start = identify.find('{').unwrap();
    let json = &identify[start..identify.rfind(");</script>").unwrap()];
    check_identify_json(json, secret);

    // Autoescaped in the HTML, \u-escaped in the script: never raw.
    assert!(!body.contains("O'Doe") && !body.contains("Acme & Co"));
    assert!(body.contains("Hello, Jane O&#x27;Doe") || body.contains("Hello, Jane O&#39;Doe"));
    let without_nonce = identify.replace(&nonce, "NONCE");
    (nonce, without_nonce)
}

/// Checks the signed-out page and returns its nonce.
fn check_signed_out(reply: &Reply) -> String {
    let (nonce, logout) = check_frame(reply);
    assert_eq!(
        logout,
        format!(
            r#"<script nonce="{nonce}">window.Beacon('logout', {{"endActiveChat":true}});</script>"#
        )
    );
    let body = &reply.body;
    assert!(
        !body.contains("identify") && !body.contains("signature"),
        "{body}"
    );
    assert!(!body.contains(EMAIL), "{body}");
    nonce
}

#[test]
fn every_engine_serves_the_same_signed_identify_call_under_fresh_nonces() {
    let mut server = Server::start(BIN, Some(SECRET));
    let mut nonces = HashSet::new();
    let mut elements = HashSet::new();
    for _ in 0..2 {
        for (path, engine) in [
            ("/tera", "Tera 1"),
            ("/minijinja", "MiniJinja 2"),
            ("/handlebars", "Handlebars 5"),
        ] {
            let (nonce, element) = check_signed_in(&get(&server.addr, path), SECRET, engine);
            assert!(nonces.insert(nonce), "a fresh nonce per request");
            elements.insert(element);
        }
        assert!(nonces.insert(check_signed_out(&get(&server.addr, "/signed-out"))));
    }
    assert_eq!(
        elements.len(),
        1,
        "byte-identical identify elements but for the nonce: {elements:#?}"
    );
    assert_eq!(server.stop(), "", "quiet with a secret set");
}

#[test]
fn without_a_secret_it_uses_the_demo_key_and_says_so() {
    let mut server = Server::start(BIN, None);
    check_signed_in(&get(&server.addr, "/tera"), DEMO_SECRET, "Tera 1");
    check_signed_in(&get(&server.addr, "/minijinja"), DEMO_SECRET, "MiniJinja 2");
    check_signed_in(
        &get(&server.addr, "/handlebars"),
        DEMO_SECRET,
        "Handlebars 5",
    );
    check_signed_out(&get(&server.addr, "/signed-out"));
    check_demo_key_warning(&server.stop());
}

#[test]
fn an_unusable_secret_is_an_error_not_a_fallback() {
    check_empty_secret_is_an_error(BIN);
}
