//! The example as a user runs it: start the binary on a free port, fetch the
//! page over plain HTTP, and check the CSP nonce, the signed identify call and
//! what must not be on the page. The checks are in `example-test-support`.

use example_test_support as support;

const BIN: &str = env!("CARGO_BIN_EXE_axum-handlebars");

#[test]
fn serves_a_signed_identify_call_under_a_fresh_nonce() {
    support::check_single_page_with_secret(BIN);
}

#[test]
fn without_a_secret_it_uses_the_demo_key_and_says_so() {
    support::check_single_page_without_secret(BIN);
}

#[test]
fn an_unusable_secret_is_an_error_not_a_fallback() {
    support::check_empty_secret_is_an_error(BIN);
}
