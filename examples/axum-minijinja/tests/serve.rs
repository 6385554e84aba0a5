//! The example as a user runs it: start the binary on a free port, sign in
//! and out over plain HTTP as a browser would (cookies sent back by hand,
//! redirects not followed), and check each page's one Beacon element and
//! CSP, the sign-out cookie's lifecycle, and the JSON identity. The shared
//! checks are in `example-test-support`.

use example_test_support::{
    DEMO_SECRET, Env, Reply, SECRET, Server, check_bad_beacon_id_is_an_error, check_demo_notices,
    check_empty_secret_is_an_error, check_identify_object, check_signed_in, check_signed_out,
    cookie_pair, request,
};

use helpscout_beacon::LOADER;

const BIN: &str = env!("CARGO_BIN_EXE_axum-minijinja");

/// Checks a 303 to `/`.
fn check_redirect(reply: &Reply) {
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/"));
}

/// `POST /login`: a redirect that sets the session cookie; returns the
/// cookie as the browser sends it back.
fn sign_in(addr: &str) -> String {
    let reply = request("POST", addr, "/login", None);
    check_redirect(&reply);
    let session = reply.set_cookie("session").expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    cookie_pair(session).to_owned()
}

#[test]
fn signed_out_until_signed_in_then_the_whole_beacon_signed_under_fresh_nonces() {
    let env = Env::CONFIGURED;
    let mut server = Server::start(BIN, env);
    let addr = &server.addr;

    let anonymous = request("GET", addr, "/", None);
    let first = check_signed_out(&anonymous, env, false).nonce;
    assert_eq!(anonymous.set_cookie("beacon_logout"), None);

    let session = sign_in(addr);
    let second = check_signed_in(&request("GET", addr, "/", Some(&session)), env).nonce;
    let third = check_signed_in(&request("GET", addr, "/", Some(&session)), env).nonce;
    assert!(
        first != second && second != third && first != third,
        "a fresh nonce per page"
    );
    assert_eq!(server.stop(), "", "quiet with a secret and an ID set");
}

#[test]
fn signing_out_runs_beacon_logout_on_the_page_after_the_redirect() {
    let env = Env::CONFIGURED;
    let mut server = Server::start(BIN, env);
    let addr = &server.addr;
    let session = sign_in(addr);

    // The sign-out: a redirect, the session gone, a short-lived HttpOnly
    // cookie for the next page.
    let reply = request("POST", addr, "/logout", Some(&session));
    check_redirect(&reply);
    assert!(reply.body.is_empty() && !reply.body.contains("<script"));
    let cleared = reply.set_cookie("session").expect("the session cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let ask = reply
        .set_cookie("beacon_logout")
        .expect("the logout cookie");
    assert_eq!(
        ask,
        "beacon_logout=1; Max-Age=60; Path=/; HttpOnly; SameSite=Lax"
    );

    // The next page: loader, logout, init (check_frame checks the order),
    // no identify; and the cookie cleared.
    let next = request("GET", addr, "/", Some(cookie_pair(ask)));
    let tag = check_signed_out(&next, env, true);
    let loader = tag.element.find(LOADER).unwrap();
    let logout = tag.element.find("window.Beacon('logout');").unwrap();
    let init = tag.element.find("window.Beacon('init', ").unwrap();
    assert!(loader < logout && logout < init, "{}", tag.element);
    let done = next
        .set_cookie("beacon_logout")
        .expect("the cookie cleared");
    assert!(
        done.contains("Max-Age=0") && done.contains("HttpOnly"),
        "{done}"
    );
    assert!(done.contains("Path=/"), "{done}");

    // Without the cookie, no logout any more.
    let later = request("GET", addr, "/", None);
    check_signed_out(&later, env, false);
    assert_eq!(later.set_cookie("beacon_logout"), None);
    assert_eq!(server.stop(), "");
}

/// Checks `GET /beacon/identity`: `401` without a session, the signed
/// identity as JSON, signed with `secret`, with one.
fn check_identity_endpoint(addr: &str, secret: &str) {
    let anonymous = request("GET", addr, "/beacon/identity", None);
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    assert_eq!(anonymous.header("cache-control"), Some("no-store"));
    assert!(!anonymous.body.contains("signature"));

    let session = sign_in(addr);
    let reply = request("GET", addr, "/beacon/identity", Some(&session));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    // Beacon's fields in Beacon's order, the signature last and verified
    // by the test model's HMAC; nothing else of the user.
    check_identify_object(&reply.body, secret);
    assert!(!reply.body.contains("argon2id") && !reply.body.contains(r#""id""#));
}

#[test]
fn serves_the_signed_identity_to_a_single_page_app() {
    let mut server = Server::start(BIN, Env::CONFIGURED);
    check_identity_endpoint(&server.addr, SECRET);
    assert_eq!(server.stop(), "");
}

#[test]
fn without_configuration_it_uses_the_demo_key_and_id_and_says_so() {
    let env = Env::UNSET;
    let mut server = Server::start(BIN, env);
    let session = sign_in(&server.addr);
    check_signed_in(&request("GET", &server.addr, "/", Some(&session)), env);
    check_identity_endpoint(&server.addr, DEMO_SECRET);
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
