//! The README's main-job command, run as a newcomer would.

use std::process::Command;

use helpscout_beacon_test_model::rules::signature as hmac_hex;

fn run(secret: Option<&str>) -> (String, String, bool) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helpscout-beacon-demo"));
    match secret {
        Some(secret) => command.env("HELPSCOUT_BEACON_SECRET", secret),
        None => command.env_remove("HELPSCOUT_BEACON_SECRET"),
    };
    let output = command.output().expect("the demo runs");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.success(),
    )
}

/// The one call all four lines print (core, tera, minijinja, handlebars).
fn the_call(stdout: &str) -> &str {
    let lines: Vec<(&str, &str)> = stdout
        .lines()
        .map(|line| line.split_once(' ').expect("label and call"))
        .collect();
    let labels: Vec<&str> = lines.iter().map(|(label, _)| *label).collect();
    assert_eq!(labels, ["core", "tera", "minijinja", "handlebars"]);
    let call = lines[0].1.trim_start();
    for (label, other) in &lines {
        assert_eq!(other.trim_start(), call, "{label} differs");
    }
    call
}

fn signature_of(stdout: &str) -> &str {
    let call = the_call(stdout);
    let start = call.find(r#""signature":""#).expect("a signature") + 13;
    &call[start..start + 64]
}

#[test]
fn without_a_secret_it_uses_the_demo_key_and_says_so() {
    let (stdout, stderr, ok) = run(None);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("HELPSCOUT_BEACON_SECRET is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo key"), "{stderr}");
    assert!(the_call(&stdout).starts_with(r#"window.Beacon('identify', {"name":"Jane\u0020O\u0027Doe\u0020\u003c\u002fscript\u003e","email":"jane.doe@example.com","company":"Acme\u0020\u0026\u0020Co","jobTitle":"CTO","#));
    assert!(!stdout.contains("argon2id"));
    assert_eq!(
        signature_of(&stdout),
        hmac_hex("demo-secret-not-for-production", "jane.doe@example.com")
    );
}

#[test]
fn with_a_secret_it_signs_with_it_quietly() {
    let (stdout, stderr, ok) = run(Some("secret_key_from_beacon_config"));
    assert!(ok, "{stderr}");
    assert_eq!(stderr, "");
    assert_eq!(
        signature_of(&stdout),
        hmac_hex("secret_key_from_beacon_config", "jane.doe@example.com")
    );
}

#[test]
fn an_unusable_secret_is_an_error_not_a_fallback() {
    let (stdout, stderr, ok) = run(Some(""));
    assert!(!ok);
    assert_eq!(stdout, "");
    assert_eq!(stderr, "error: HELPSCOUT_BEACON_SECRET: set but empty\n");
}
