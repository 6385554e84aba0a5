//! The whole Beacon from the core: the loader, init, config, identify,
//! session data, prefill, several Beacons under names, and the CSP pieces.

use helpscout_beacon::csp::{self, Nonce, Policy};
use helpscout_beacon::template::{self, Function};
use helpscout_beacon::{Beacon, Beacons, Error, Identity, Prefill, SessionData, Signer};
use serde_json::{Value, json};

const ID: &str = "0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d";

/// Help Scout's embed snippet, as its Installation page gives it: restated
/// here, not taken from the crate.
const HELP_SCOUTS_LOADER: &str = concat!(
    r#"!function(e,t,n){function a(){var e=t.getElementsByTagName("script")[0],"#,
    r#"n=t.createElement("script");n.type="text/javascript",n.async=!0,"#,
    r#"n.src="https://beacon-v2.helpscout.net",e.parentNode.insertBefore(n,e)}"#,
    r#"if(e.Beacon=n=function(t,n,a){e.Beacon.readyQueue.push({method:t,options:n,data:a})},"#,
    r#"n.readyQueue=[],"complete"===t.readyState)return a();"#,
    r#"e.attachEvent?e.attachEvent("onload",a):e.addEventListener("load",a,!1)}"#,
    r#"(window,document,window.Beacon||function(){});"#,
);

fn beacon(secret: &str) -> Beacon {
    Beacon::new(ID, Signer::new(secret).unwrap()).unwrap()
}

fn call(
    beacons: &Beacons,
    function: Function,
    input: Option<Value>,
    args: Value,
) -> Result<String, String> {
    template::render_call(beacons, function, input.as_ref(), &args).map_err(|e| e.to_string())
}

#[test]
fn the_loader_is_help_scouts_snippet() {
    assert_eq!(helpscout_beacon::LOADER, HELP_SCOUTS_LOADER);
}

#[test]
fn beacon_ids_are_checked_at_construction() {
    for bad in ["", "a b", "<script>", "id'", "ü", &"a".repeat(65), "id\n"] {
        let error = Beacon::new(bad, Signer::new("k").unwrap()).unwrap_err();
        assert_eq!(error, Error::InvalidBeaconId, "{bad:?}");
    }
    for good in [ID, "a", &"A-9".repeat(21)] {
        assert!(
            Beacon::new(good, Signer::new("k").unwrap()).is_ok(),
            "{good:?}"
        );
    }
}

#[test]
fn init_emits_loader_init_config_identify_in_order() {
    let b = beacon("k")
        .config(&json!({"display": {"style": "icon", "text": "Help me"}, "color": "#E94"}))
        .unwrap();
    let beacons = Beacons::from(b.clone());
    let signature = b.signer().sign("jane@example.com");
    let html = call(&beacons, Function::Init, None, json!({"user": {"email": "jane@example.com", "name": "Jane", "password": "x"}, "nonce": "n0nce"})).unwrap();
    assert_eq!(
        html,
        format!(
            concat!(
                r#"<script nonce="n0nce">{loader}window.Beacon('init', '{id}');"#,
                r##"window.Beacon('config', {{"color":"#E94","display":{{"style":"icon","text":"Help\u0020me"}}}});"##,
                r#"window.Beacon('identify', {{"name":"Jane","email":"jane@example.com","signature":"{signature}"}});</script>"#
            ),
            loader = HELP_SCOUTS_LOADER,
            id = ID,
            signature = signature
        )
    );
    // The same from plain Rust.
    let script = b
        .init_script(Some(&Identity::new("jane@example.com").name("Jane")))
        .unwrap();
    assert_eq!(script.script_tag(Some("n0nce")).unwrap(), html);
}

#[test]
fn a_signed_out_page_gets_no_identify_and_logout_comes_before_init() {
    let beacons = Beacons::from(beacon("k"));
    for args in [
        json!({}),
        json!({"user": null}),
        json!({"user": null, "nonce": "n"}),
    ] {
        let html = call(&beacons, Function::Init, None, args.clone()).unwrap();
        assert!(!html.contains("identify"), "{args}: {html}");
        assert!(
            html.contains(&format!("window.Beacon('init', '{ID}');")),
            "{html}"
        );
    }
    let html = call(&beacons, Function::Init, None, json!({"logout": true})).unwrap();
    assert_eq!(
        html,
        format!("{HELP_SCOUTS_LOADER}window.Beacon('logout');window.Beacon('init', '{ID}');")
    );
}

#[test]
fn init_needs_a_beacon_id() {
    let beacons = Beacons::from(Signer::new("k").unwrap());
    let error = call(&beacons, Function::Init, None, json!({})).unwrap_err();
    assert_eq!(error, Error::NoBeaconId.to_string());
    // Identify-only use still works.
    assert!(
        call(
            &beacons,
            Function::Identify,
            Some(json!("a@b.c")),
            json!({})
        )
        .is_ok()
    );
}

#[test]
fn config_must_be_a_plain_object() {
    for config in [json!("icon"), json!([1]), json!(null), json!(3)] {
        let error = beacon("k").config(&config).unwrap_err();
        assert!(matches!(error, Error::InvalidConfig { .. }), "{config}");
        assert_eq!(
            error.to_string(),
            "config: must be a map of Beacon's config options"
        );
    }
    let error = beacon("k")
        .config(&json!({"labels": {"__proto__": {"x": 1}}}))
        .unwrap_err();
    assert!(error.to_string().contains("__proto__"), "{error}");
    // Hostile strings in a config are escaped like any other.
    let b = beacon("k")
        .config(&json!({"text": "</script><script>alert(1)</script>"}))
        .unwrap();
    let script = b.init_script(None).unwrap();
    assert!(!script.as_str().contains("</script"), "{script}");
    assert!(script.as_str().is_ascii());
}

#[test]
fn two_beacons_sign_the_same_user_differently_each_with_its_own_key() {
    let support = Beacon::new("support-id", Signer::new("support-key").unwrap()).unwrap();
    let sales = Beacon::new("sales-id", Signer::new("sales-key").unwrap()).unwrap();
    let beacons = Beacons::new()
        .with("support", support.clone())
        .with("sales", sales.clone())
        .with_default("support");
    let signature = |html: &str| {
        let at = html.find(r#""signature":""#).unwrap() + 13;
        html[at..at + 64].to_owned()
    };
    let user = json!({"email": "jane@example.com"});
    let by_default = call(&beacons, Function::Identify, Some(user.clone()), json!({})).unwrap();
    let by_sales = call(
        &beacons,
        Function::Identify,
        Some(user.clone()),
        json!({"beacon": "sales"}),
    )
    .unwrap();
    let init_sales = call(
        &beacons,
        Function::Init,
        None,
        json!({"beacon": "sales", "user": user}),
    )
    .unwrap();
    assert_ne!(signature(&by_default), signature(&by_sales));
    assert_eq!(signature(&by_sales), signature(&init_sales));
    assert!(init_sales.contains("window.Beacon('init', 'sales-id');"));
    assert!(
        support
            .signer()
            .verify("jane@example.com", &signature(&by_default))
    );
    assert!(
        !sales
            .signer()
            .verify("jane@example.com", &signature(&by_default))
    );
    assert!(
        sales
            .signer()
            .verify("jane@example.com", &signature(&by_sales))
    );
    assert!(
        !support
            .signer()
            .verify("jane@example.com", &signature(&by_sales))
    );
}

#[test]
fn an_unknown_beacon_name_lists_the_registered_ones() {
    let beacons = Beacons::new()
        .with("support", beacon("a"))
        .with("sales", beacon("b"));
    let listed =
        r#"beacon: no Beacon named "marketing" is registered (registered: "support", "sales")"#;
    for function in Function::ALL {
        let input = function.takes_input().then(|| match function {
            Function::Identify => json!("a@b.c"),
            Function::Prefill => json!({"subject": "x"}),
            _ => json!({"plan": "pro"}),
        });
        let error = call(&beacons, function, input, json!({"beacon": "marketing"})).unwrap_err();
        assert_eq!(error, listed, "{function}");
    }
    // Several and no default: the name is needed where it matters.
    let error = call(&beacons, Function::Init, None, json!({})).unwrap_err();
    assert_eq!(
        error,
        r#"beacon: several Beacons are registered ("support", "sales") and none is the default; pass beacon="…""#
    );
    let error = call(
        &beacons,
        Function::Identify,
        Some(json!("a@b.c")),
        json!({}),
    )
    .unwrap_err();
    assert!(error.starts_with("beacon: several Beacons"), "{error}");
}

#[test]
fn session_data_values_are_strings_in_key_order() {
    let beacons = Beacons::from(beacon("k"));
    let html = call(
        &beacons,
        Function::SessionData,
        Some(json!({"z": true, "plan": "Pro plan", "seats": 12, "ratio": 0.5, "gone": null})),
        json!({"nonce": "n"}),
    )
    .unwrap();
    assert_eq!(
        html,
        r#"<script nonce="n">window.Beacon('session-data', {"plan":"Pro\u0020plan","ratio":"0.5","seats":"12","z":"true"});</script>"#
    );
    // The same from `data=`, and from plain Rust.
    let by_arg = call(
        &beacons,
        Function::SessionData,
        None,
        json!({"data": {"plan": "Pro plan"}}),
    )
    .unwrap();
    let rust = SessionData::new().entry("plan", "Pro plan").call().unwrap();
    assert_eq!(by_arg, rust.as_str());
}

#[test]
fn session_data_errors_name_the_entry_and_the_rule() {
    let beacons = Beacons::from(beacon("k"));
    let mut twenty = serde_json::Map::new();
    for i in 0..20 {
        twenty.insert(format!("k{i:02}"), json!(i));
    }
    assert!(
        call(
            &beacons,
            Function::SessionData,
            Some(Value::Object(twenty.clone())),
            json!({})
        )
        .is_ok()
    );
    twenty.insert("one_more".into(), json!(1));
    assert_eq!(
        call(
            &beacons,
            Function::SessionData,
            Some(Value::Object(twenty)),
            json!({})
        )
        .unwrap_err(),
        "data: at most 20 session-data entries, found 21"
    );
    let cases = [
        (
            json!({"plan": {"tier": 1}}),
            "data.plan: must be a string, a number or a boolean, found a map",
        ),
        (
            json!({"plan": [1]}),
            "data.plan: must be a string, a number or a boolean, found a list",
        ),
        (
            json!({"__proto__": "x"}),
            r#"data.__proto__: a JavaScript object literal does not keep the key "__proto__"; rename it"#,
        ),
        (
            json!("plan=pro"),
            "data: must be a map of session data, found a string",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(
            call(
                &beacons,
                Function::SessionData,
                Some(input.clone()),
                json!({})
            )
            .unwrap_err(),
            message,
            "{input}"
        );
    }
    assert_eq!(
        call(&beacons, Function::SessionData, None, json!({})).unwrap_err(),
        "data: must be a map of session data (the input, or data=), found nothing"
    );
    assert_eq!(
        call(&beacons, Function::SessionData, None, json!({"dta": {}})).unwrap_err(),
        r#"unknown argument "dta" (beacon_session_data takes data, nonce and beacon)"#
    );
}

#[test]
fn prefill_takes_beacons_form_fields_only() {
    let beacons = Beacons::from(beacon("k"));
    let form = json!({"name": "Jane", "email": "jane@example.com", "subject": "Refund", "text": "Hi\n</script>", "fields": [{"id": 5678, "value": "Pro"}, {"id": 1, "value": 42}]});
    let html = call(&beacons, Function::Prefill, Some(form), json!({})).unwrap();
    assert_eq!(
        html,
        r#"window.Beacon('prefill', {"name":"Jane","email":"jane@example.com","subject":"Refund","text":"Hi\n\u003c\u002fscript\u003e","fields":[{"id":5678,"value":"Pro"},{"id":1,"value":42}]});"#
    );
    let rust = Prefill::new()
        .name("Jane")
        .email("jane@example.com")
        .subject("Refund")
        .text("Hi\n</script>")
        .field(5678, "Pro")
        .field(1, 42_u64)
        .call()
        .unwrap();
    assert_eq!(rust.as_str(), html);
    let cases = [
        (
            json!({"subjet": "x"}),
            r#"form: unknown key "subjet" (form takes name, email, subject, text and fields)"#,
        ),
        (
            json!({"subject": 5}),
            "form.subject: must be a string, found a number",
        ),
        (
            json!({"fields": [{"id": -1, "value": "x"}]}),
            "form.fields[0].id: must be a whole number, found a number",
        ),
        (
            json!({"fields": [{"id": 1}]}),
            "form.fields[0].value: must be a string or a number, found nothing",
        ),
        (
            json!({"fields": [{"id": 1, "value": "x", "label": "y"}]}),
            r#"form.fields[0]: unknown key "label" (form.fields[0] takes id and value)"#,
        ),
        (
            json!({"fields": {"id": 1}}),
            "form.fields: must be a list of {id, value} maps, found a map",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(
            call(&beacons, Function::Prefill, Some(input.clone()), json!({})).unwrap_err(),
            message,
            "{input}"
        );
    }
}

#[test]
fn logout_takes_a_beacon_name_too() {
    let beacons = Beacons::new()
        .with("support", beacon("a"))
        .with("sales", beacon("b"));
    assert_eq!(
        call(
            &beacons,
            Function::Logout,
            None,
            json!({"beacon": "sales", "endActiveChat": true})
        )
        .unwrap(),
        r#"window.Beacon('logout', {"endActiveChat":true});"#
    );
}

#[test]
fn nonces_follow_the_csp_grammar_and_are_fresh() {
    assert!(Nonce::new("cSp+N0nce/x-_y==").is_ok());
    for bad in ["", "a b", "a\"", "a===", "=", "n'"] {
        assert_eq!(Nonce::new(bad).unwrap_err(), Error::InvalidNonce, "{bad:?}");
    }
    let a = Nonce::generate().unwrap();
    let b = Nonce::generate().unwrap();
    assert_ne!(a, b);
    for nonce in [&a, &b] {
        assert_eq!(nonce.as_str().len(), 22);
        assert!(
            nonce
                .as_str()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "{nonce}"
        );
        assert!(Nonce::new(nonce.as_str()).is_ok());
    }
}

#[test]
fn the_policies_as_help_scout_asks_for_them() {
    let nonce = Nonce::new("abc123").unwrap();
    assert_eq!(
        csp::header_value(&nonce),
        "script-src 'nonce-abc123' 'strict-dynamic' 'unsafe-eval' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'"
    );
    let hosts = Policy::hosts();
    assert_eq!(
        hosts.sources("script-src").unwrap(),
        ["https://beacon-v2.helpscout.net"]
    );
    for directive in [
        "connect-src",
        "style-src",
        "font-src",
        "img-src",
        "frame-src",
        "media-src",
    ] {
        assert!(hosts.sources(directive).is_some(), "{directive}");
    }
    assert!(
        hosts
            .sources("connect-src")
            .unwrap()
            .iter()
            .any(|s| s == "https://beaconapi.helpscout.net")
    );
    // Merging adds each source once, keeping the app's own first.
    let mut own = Policy::new()
        .source("default-src", "'self'")
        .source("script-src", "'self'");
    own.merge(&hosts);
    own.merge(&hosts);
    assert_eq!(
        own.sources("script-src").unwrap(),
        ["'self'", "https://beacon-v2.helpscout.net"]
    );
    assert!(own.to_string().starts_with(
        "default-src 'self'; script-src 'self' https://beacon-v2.helpscout.net; connect-src "
    ));
    let with_nonce = Policy::hosts().nonce(&nonce);
    assert_eq!(
        with_nonce.sources("script-src").unwrap(),
        ["https://beacon-v2.helpscout.net", "'nonce-abc123'"]
    );
}

#[test]
fn script_hashes_are_the_csp_spec_s() {
    // The example of CSP Level 2, section 4.2.5 ("alert('Hello, world.');").
    assert_eq!(
        csp::script_hash("alert('Hello, world.');"),
        "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    );
    let call = Signer::new("k")
        .unwrap()
        .identify(&Identity::new("a@b.c"))
        .unwrap();
    assert_eq!(call.csp_hash(), csp::script_hash(call.as_str()));
}

#[test]
fn the_signed_identity_serializes_as_beacons_object() {
    let signer = Signer::new("k").unwrap();
    let identity = Identity::new("jane@example.com")
        .name("x".repeat(100))
        .avatar("/relative.png")
        .attribute("plan", "pro");
    let signed = signer.signed_identity(&identity).unwrap();
    let json: Value = serde_json::to_value(&signed).unwrap();
    assert_eq!(
        json,
        json!({"name": "x".repeat(80), "email": "jane@example.com", "plan": "pro", "signature": signer.sign("jane@example.com").as_str()})
    );
    let text = serde_json::to_string(&signed).unwrap();
    assert!(
        text.starts_with(r#"{"name":"#)
            && text.ends_with(&format!(r#""signature":"{}"}}"#, signed.signature()))
    );
}
