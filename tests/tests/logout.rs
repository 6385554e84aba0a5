//! `beacon_logout` in every engine: the same text as the core, and the
//! core's errors.

use helpscout_beacon::{LogoutCall, Signer};
use helpscout_beacon_tests::{ENGINES, Engines};
use serde_json::json;

fn engines() -> Engines {
    Engines::new(&Signer::new("logout-secret").unwrap())
}

#[test]
fn every_engine_emits_the_cores_logout_call() {
    let mut engines = engines();
    let cases = [
        (
            "{{ beacon_logout() }}",
            "{{beacon_logout}}",
            LogoutCall::new().to_string(),
        ),
        (
            "{{ beacon_logout(endActiveChat=true) }}",
            "{{beacon_logout endActiveChat=true}}",
            LogoutCall::new().end_active_chat(true).to_string(),
        ),
        (
            "{{ beacon_logout(endActiveChat=false, nonce=nonce) }}",
            "{{beacon_logout endActiveChat=false nonce=nonce}}",
            LogoutCall::new().script_tag(Some("n0nce+/-_=")).unwrap(),
        ),
        (
            "{{ beacon_logout(endActiveChat=true, nonce=nonce) }}",
            "{{beacon_logout endActiveChat=true nonce=nonce}}",
            LogoutCall::new()
                .end_active_chat(true)
                .script_tag(Some("n0nce+/-_="))
                .unwrap(),
        ),
    ];
    // Spelled out, so a change in the core's text shows here too.
    assert_eq!(cases[0].2, "window.Beacon('logout');");
    assert_eq!(
        cases[1].2,
        r#"window.Beacon('logout', {"endActiveChat":true});"#
    );
    assert_eq!(
        cases[2].2,
        r#"<script nonce="n0nce+/-_=">window.Beacon('logout');</script>"#
    );
    assert_eq!(
        cases[3].2,
        r#"<script nonce="n0nce+/-_=">window.Beacon('logout', {"endActiveChat":true});</script>"#
    );
    for (i, (jinja, handlebars, expected)) in cases.iter().enumerate() {
        let name = format!("logout{i}.html");
        engines.add_raw(&name, jinja, handlebars);
        let outputs = engines.render(&name, &json!({"nonce": "n0nce+/-_="}));
        for (engine, output) in ENGINES.iter().zip(outputs) {
            assert_eq!(
                output.as_deref(),
                Ok(expected.as_str()),
                "{engine}: {jinja}"
            );
        }
    }
}

#[test]
fn every_engine_reports_the_cores_logout_errors() {
    let mut engines = engines();
    let cases = [
        (
            "{{ beacon_logout(endActiveChat=\"yes\") }}",
            "{{beacon_logout endActiveChat=\"yes\"}}",
            "beacon_logout: endActiveChat: must be a boolean, found a string",
        ),
        (
            "{{ beacon_logout(nonce=nonce) }}",
            "{{beacon_logout nonce=nonce}}",
            "beacon_logout: nonce: must be a CSP nonce, one or more of A-Z a-z 0-9 + / - _ then at most two '='",
        ),
        (
            "{{ beacon_logout(email=\"a@b.c\") }}",
            "{{beacon_logout email=\"a@b.c\"}}",
            r#"beacon_logout: unknown argument "email" (beacon_logout takes endActiveChat, nonce and beacon)"#,
        ),
    ];
    for (i, (jinja, handlebars, message)) in cases.iter().enumerate() {
        let name = format!("bad{i}.html");
        engines.add_raw(&name, jinja, handlebars);
        let outputs = engines.render(&name, &json!({"nonce": "\"><script>"}));
        for (engine, output) in ENGINES.iter().zip(outputs) {
            let error = output.expect_err(engine.name());
            assert!(
                error.contains(message),
                "{engine}: {error:?} lacks {message:?}"
            );
        }
    }
}
