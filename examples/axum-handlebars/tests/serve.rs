//! The example as a user runs it: start the binary on a free port, fetch the
//! page over plain HTTP, and check the CSP nonce, the signed identify call and
//! what must not be on the page. The tests and their checks are in
//! `example-test-support`.

example_test_support::single_page_tests!("axum-handlebars");
