//! The README's main-job command, run as a newcomer would: with and without
//! `HELPSCOUT_BEACON_SECRET` and `HELPSCOUT_BEACON_ID`.

use std::process::Command;

use helpscout_beacon::LOADER;
use helpscout_beacon_test_model::rules::{signature as hmac_hex, valid_nonce};

const DEMO_SECRET: &str = "demo-secret-not-for-production";
const DEMO_BEACON_ID: &str = "demo-beacon-id-not-for-production";
const SECRET: &str = "secret_key_from_beacon_config";
const BEACON_ID: &str = "0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d";
const EMAIL: &str = "jane.doe@example.com";

/// Runs the demo with these variables (unset for `None`): stdout, stderr
/// and whether it succeeded.
fn run(secret: Option<&str>, beacon_id: Option<&str>) -> (String, String, bool) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpscout-beacon-demo"));
    for (var, value) in [
        ("HELPSCOUT_BEACON_SECRET", secret),
        ("HELPSCOUT_BEACON_ID", beacon_id),
    ] {
        match value {
            Some(value) => command.env(var, value),
            None => command.env_remove(var),
        };
    }
    let output = command.output().expect("the demo runs");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.success(),
    )
}

/// The one element all four lines print (core, tera, minijinja,
/// handlebars).
fn the_element(stdout: &str) -> &str {
    let lines: Vec<(&str, &str)> = stdout
        .lines()
        .map(|line| line.split_once(' ').expect("label and element"))
        .collect();
    let labels: Vec<&str> = lines.iter().map(|(label, _)| *label).collect();
    assert_eq!(labels, ["core", "tera", "minijinja", "handlebars"]);
    let element = lines[0].1.trim_start();
    for (label, other) in &lines {
        assert_eq!(other.trim_start(), element, "{label} differs");
    }
    element
}

/// Checks the whole Beacon: one `<script nonce="…">` element with a valid
/// nonce, the core's loader, `init` with `beacon_id`, and the sample user's
/// identify call signed with `secret`, escaped for the script context.
fn check_element(stdout: &str, secret: &str, beacon_id: &str) {
    assert!(!stdout.contains("argon2id"), "{stdout}");
    let element = the_element(stdout);
    let rest = element.strip_prefix(r#"<script nonce=""#).expect("a nonce");
    let (nonce, rest) = rest.split_once(r#"">"#).expect("the tag closes");
    assert!(valid_nonce(nonce) && nonce.len() == 22, "{nonce}");
    let signature = hmac_hex(secret, EMAIL);
    assert_eq!(
        rest,
        format!(
            concat!(
                "{loader}window.Beacon('init', '{id}');",
                r#"window.Beacon('identify', {{"name":"Jane\u0020O\u0027Doe\u0020\u003c\u002fscript\u003e","#,
                r#""email":"{email}","company":"Acme\u0020\u0026\u0020Co","jobTitle":"CTO","#,
                r#""avatar":"https:\u002f\u002fexample.com\u002favatars\u002fjane.png","#,
                r#""signature":"{signature}"}});</script>"#
            ),
            loader = LOADER,
            id = beacon_id,
            email = EMAIL,
            signature = signature,
        )
    );
}

fn check_secret_notice(stderr: &str) {
    assert!(
        stderr.contains("HELPSCOUT_BEACON_SECRET is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo key"), "{stderr}");
}

fn check_id_notice(stderr: &str) {
    assert!(
        stderr.contains("HELPSCOUT_BEACON_ID is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo Beacon ID"), "{stderr}");
}

#[test]
fn without_configuration_it_uses_the_demo_key_and_id_and_says_so() {
    let (stdout, stderr, ok) = run(None, None);
    assert!(ok, "{stderr}");
    check_secret_notice(&stderr);
    check_id_notice(&stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    check_element(&stdout, DEMO_SECRET, DEMO_BEACON_ID);
}

#[test]
fn with_a_secret_and_an_id_it_uses_them_quietly() {
    let (stdout, stderr, ok) = run(Some(SECRET), Some(BEACON_ID));
    assert!(ok, "{stderr}");
    assert_eq!(stderr, "");
    check_element(&stdout, SECRET, BEACON_ID);
}

#[test]
fn each_fallback_is_told_on_its_own() {
    let (stdout, stderr, ok) = run(Some(SECRET), None);
    assert!(ok, "{stderr}");
    check_id_notice(&stderr);
    assert!(!stderr.contains("HELPSCOUT_BEACON_SECRET"), "{stderr}");
    check_element(&stdout, SECRET, DEMO_BEACON_ID);

    let (stdout, stderr, ok) = run(None, Some(BEACON_ID));
    assert!(ok, "{stderr}");
    check_secret_notice(&stderr);
    assert!(!stderr.contains("HELPSCOUT_BEACON_ID"), "{stderr}");
    check_element(&stdout, DEMO_SECRET, BEACON_ID);
}

#[test]
fn a_fresh_nonce_per_run() {
    let (first, _, _) = run(Some(SECRET), Some(BEACON_ID));
    let (second, _, _) = run(Some(SECRET), Some(BEACON_ID));
    assert_ne!(the_element(&first), the_element(&second));
}

#[test]
fn an_unusable_secret_is_an_error_not_a_fallback() {
    let (stdout, stderr, ok) = run(Some(""), Some(BEACON_ID));
    assert!(!ok);
    assert_eq!(stdout, "");
    assert_eq!(stderr, "error: HELPSCOUT_BEACON_SECRET: set but empty\n");
}

#[test]
fn a_bad_beacon_id_is_an_error_not_a_fallback() {
    let (stdout, stderr, ok) = run(Some(SECRET), Some("not a Beacon ID"));
    assert!(!ok);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: HELPSCOUT_BEACON_ID: {}\n",
            helpscout_beacon::Error::InvalidBeaconId
        )
    );
}
