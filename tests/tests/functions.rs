//! Every template function in every engine, registered from one set of two
//! Beacons: byte-identical to what the core's `render_call` emits for the
//! same input and arguments, and the core's errors, named after the
//! function, in each engine's own error.

use helpscout_beacon::template::{self, Function};
use helpscout_beacon::{Beacon, Beacons, SESSION_DATA_LIMIT, Signer};
use helpscout_beacon_tests::{ENGINES, Engine, Engines, oracle};
use serde_json::{Value, json};

const SUPPORT_KEY: &str = "support-Secret-1e5a";
const SALES_KEY: &str = "sales-Secret-77b0";
const NONCE: &str = "fUnct10ns+/nonce==";

fn beacons() -> Beacons {
    let support = Beacon::new("support-beacon-id", Signer::new(SUPPORT_KEY).unwrap())
        .unwrap()
        .config(&json!({"display": {"style": "icon"}}))
        .unwrap();
    let sales = Beacon::new("sales-beacon-id", Signer::new(SALES_KEY).unwrap()).unwrap();
    Beacons::new()
        .with("support", support)
        .with("sales", sales)
        .with_default("support")
}

fn context() -> Value {
    json!({
        "user": {"email": "jane@example.com", "name": "Jane </script> O'Doe", "orders": [1, 2, 3]},
        "nobody": null,
        "nonce": NONCE,
        "data": {"plan": "pro", "seats": 12, "trial": false},
        "form": {
            "name": "Jane",
            "email": "jane@example.com",
            "subject": "Help & <support>",
            "text": "It broke",
            "fields": [{"id": 7, "value": "blue"}],
        },
        "badform": {"name": "Jane", "colour": "blue"},
    })
}

/// One call: the Tera/MiniJinja and the Handlebars template, and what the
/// core makes of the same input and arguments.
struct Call {
    jinja: &'static str,
    handlebars: &'static str,
    function: Function,
    input: Option<Value>,
    args: Value,
}

fn expected(beacons: &Beacons, call: &Call) -> Result<String, String> {
    template::render_call(beacons, call.function, call.input.as_ref(), &call.args)
        .map_err(|error| format!("{}: {error}", call.function))
}

/// Renders every call in every engine registered with `beacons`.
fn check_calls(beacons: Beacons, calls: &[Call]) {
    let mut engines = Engines::with_beacons(beacons.clone());
    for (i, call) in calls.iter().enumerate() {
        let name = format!("call{i}.html");
        engines.add_raw(&name, call.jinja, call.handlebars);
        let outputs = engines.render(&name, &context());
        match expected(&beacons, call) {
            Ok(text) => {
                for (engine, output) in ENGINES.iter().zip(outputs) {
                    assert_eq!(
                        output.as_deref(),
                        Ok(text.as_str()),
                        "{engine}: {}",
                        call.jinja
                    );
                }
            }
            Err(message) => {
                for (engine, output) in ENGINES.iter().zip(outputs) {
                    let error = output.expect_err(engine.name());
                    assert!(
                        error.contains(&message),
                        "{engine}: {error:?} lacks {message:?}"
                    );
                    assert!(!error.contains("Secret-"), "{engine}: {error:?}");
                }
            }
        }
    }
}

fn user() -> Value {
    context()["user"].clone()
}

#[test]
fn every_function_renders_alike_in_every_engine() {
    let calls = [
        Call {
            jinja: "{{ beacon_init(user=user, nonce=nonce) }}",
            handlebars: "{{beacon_init user=user nonce=nonce}}",
            function: Function::Init,
            input: None,
            args: json!({"user": user(), "nonce": NONCE}),
        },
        Call {
            jinja: "{{ beacon_init(user=nobody, nonce=nonce) }}",
            handlebars: "{{beacon_init user=nobody nonce=nonce}}",
            function: Function::Init,
            input: None,
            args: json!({"user": null, "nonce": NONCE}),
        },
        Call {
            jinja: "{{ beacon_init(logout=true) }}",
            handlebars: "{{beacon_init logout=true}}",
            function: Function::Init,
            input: None,
            args: json!({"logout": true}),
        },
        Call {
            jinja: r#"{{ beacon_init(user=user, nonce=nonce, beacon="sales") }}"#,
            handlebars: r#"{{beacon_init user=user nonce=nonce beacon="sales"}}"#,
            function: Function::Init,
            input: None,
            args: json!({"user": user(), "nonce": NONCE, "beacon": "sales"}),
        },
        Call {
            jinja: r#"{{ user | beacon_identify(beacon="sales", nonce=nonce) }}"#,
            handlebars: r#"{{beacon_identify user beacon="sales" nonce=nonce}}"#,
            function: Function::Identify,
            input: Some(user()),
            args: json!({"beacon": "sales", "nonce": NONCE}),
        },
        Call {
            jinja: "{{ beacon_session_data(data=data, nonce=nonce) }}",
            handlebars: "{{beacon_session_data data=data nonce=nonce}}",
            function: Function::SessionData,
            input: None,
            args: json!({"data": context()["data"], "nonce": NONCE}),
        },
        Call {
            jinja: "{{ data | beacon_session_data }}",
            handlebars: "{{beacon_session_data data}}",
            function: Function::SessionData,
            input: Some(context()["data"].clone()),
            args: json!({}),
        },
        Call {
            jinja: "{{ beacon_prefill(form=form, nonce=nonce) }}",
            handlebars: "{{beacon_prefill form=form nonce=nonce}}",
            function: Function::Prefill,
            input: None,
            args: json!({"form": context()["form"], "nonce": NONCE}),
        },
        Call {
            jinja: r#"{{ form | beacon_prefill(beacon="sales") }}"#,
            handlebars: r#"{{beacon_prefill form beacon="sales"}}"#,
            function: Function::Prefill,
            input: Some(context()["form"].clone()),
            args: json!({"beacon": "sales"}),
        },
        Call {
            jinja: r#"{{ beacon_logout(endActiveChat=true, beacon="sales", nonce=nonce) }}"#,
            handlebars: r#"{{beacon_logout endActiveChat=true beacon="sales" nonce=nonce}}"#,
            function: Function::Logout,
            input: None,
            args: json!({"endActiveChat": true, "beacon": "sales", "nonce": NONCE}),
        },
    ];
    // The core's text, spelled out in part, so that a wrong oracle shows.
    let beacons = beacons();
    let init = expected(&beacons, &calls[0]).unwrap();
    assert!(init.starts_with(&format!(r#"<script nonce="{NONCE}">!function(e,t,n){{"#)));
    assert!(init.contains(concat!(
        "window.Beacon('init', 'support-beacon-id');",
        r#"window.Beacon('config', {"display":{"style":"icon"}});"#,
        "window.Beacon('identify', ",
    )));
    let signed_out = expected(&beacons, &calls[1]).unwrap();
    assert!(!signed_out.contains("identify"), "{signed_out}");
    assert!(
        expected(&beacons, &calls[2])
            .unwrap()
            .contains("window.Beacon('logout');window.Beacon('init', ")
    );
    assert!(
        expected(&beacons, &calls[3])
            .unwrap()
            .contains("window.Beacon('init', 'sales-beacon-id');window.Beacon('identify', ")
    );
    assert!(
        expected(&beacons, &calls[5])
            .unwrap()
            .contains("window.Beacon('session-data', ")
    );
    assert!(
        expected(&beacons, &calls[7])
            .unwrap()
            .contains("window.Beacon('prefill', ")
    );
    check_calls(beacons, &calls);
}

/// MiniJinja also takes the data or form as a function's first argument
/// (Tera's functions take keyword arguments only; Handlebars' first
/// parameter is checked with the other cases).
#[test]
fn minijinja_takes_the_data_and_form_as_the_first_argument() {
    let beacons = beacons();
    let page = "{{ beacon_session_data(data, nonce=nonce) }}{{ beacon_prefill(form) }}";
    let data = template::render_call(
        &beacons,
        Function::SessionData,
        Some(&context()["data"]),
        json!({"nonce": NONCE}),
    )
    .unwrap();
    let form = template::render_call(
        &beacons,
        Function::Prefill,
        Some(&context()["form"]),
        json!({}),
    )
    .unwrap();
    let expected = format!("{data}{form}");

    let mut env = minijinja::Environment::new();
    helpscout_beacon_minijinja::register(&mut env, beacons.clone());
    let output = env
        .render_str(page, minijinja::value::Serde(&context()))
        .unwrap();
    assert_eq!(output, expected, "minijinja");

    let mut env = minijinja2::Environment::new();
    helpscout_beacon_minijinja::register(&mut env, beacons);
    assert_eq!(
        env.render_str(page, context()).unwrap(),
        expected,
        "minijinja2"
    );
}

/// A user that is undefined, not only null, is a signed-out page too, in
/// every engine that lets an undefined variable through (Tera 1 stops at
/// it with its own error).
#[test]
fn an_undefined_user_is_a_signed_out_page() {
    let beacons = beacons();
    let mut engines = Engines::with_beacons(beacons.clone());
    engines.add_raw(
        "signed-out.html",
        "{{ beacon_init(user=current_user, nonce=nonce) }}",
        "{{beacon_init user=current_user nonce=nonce}}",
    );
    let expected = template::render_call(
        &beacons,
        Function::Init,
        None::<&Value>,
        json!({"nonce": NONCE}),
    )
    .unwrap();
    for engine in ENGINES {
        let output = engines.render_one(engine, "signed-out.html", &json!({"nonce": NONCE}));
        if engine == Engine::Tera1 {
            let error = output.unwrap_err();
            assert!(
                error.contains("Variable `current_user` not found"),
                "{error}"
            );
        } else {
            assert_eq!(output, Ok(expected.clone()), "{engine}");
        }
    }
}

#[test]
fn every_engine_reports_the_cores_errors_for_every_function() {
    let too_much: serde_json::Map<String, Value> = (0..=SESSION_DATA_LIMIT)
        .map(|i| (format!("k{i}"), json!(i)))
        .collect();
    let calls = [
        Call {
            jinja: r#"{{ user | beacon_identify(beacon="marketing") }}"#,
            handlebars: r#"{{beacon_identify user beacon="marketing"}}"#,
            function: Function::Identify,
            input: Some(user()),
            args: json!({"beacon": "marketing"}),
        },
        Call {
            jinja: r#"{{ beacon_init(user=user, beacon="marketing") }}"#,
            handlebars: r#"{{beacon_init user=user beacon="marketing"}}"#,
            function: Function::Init,
            input: None,
            args: json!({"user": user(), "beacon": "marketing"}),
        },
        Call {
            jinja: r#"{{ beacon_logout(beacon="marketing") }}"#,
            handlebars: r#"{{beacon_logout beacon="marketing"}}"#,
            function: Function::Logout,
            input: None,
            args: json!({"beacon": "marketing"}),
        },
        Call {
            jinja: "{{ beacon_init(usr=user) }}",
            handlebars: "{{beacon_init usr=user}}",
            function: Function::Init,
            input: None,
            args: json!({"usr": user()}),
        },
        Call {
            jinja: "{{ beacon_session_data(data=data, form=form) }}",
            handlebars: "{{beacon_session_data data=data form=form}}",
            function: Function::SessionData,
            input: None,
            args: json!({"data": context()["data"], "form": context()["form"]}),
        },
        Call {
            jinja: "{{ beacon_prefill(form=form, endActiveChat=true) }}",
            handlebars: "{{beacon_prefill form=form endActiveChat=true}}",
            function: Function::Prefill,
            input: None,
            args: json!({"form": context()["form"], "endActiveChat": true}),
        },
        Call {
            jinja: "{{ beacon_session_data(data=user.orders) }}",
            handlebars: "{{beacon_session_data data=user.orders}}",
            function: Function::SessionData,
            input: None,
            args: json!({"data": [1, 2, 3]}),
        },
        Call {
            jinja: "{{ beacon_prefill(form=badform) }}",
            handlebars: "{{beacon_prefill form=badform}}",
            function: Function::Prefill,
            input: None,
            args: json!({"form": context()["badform"]}),
        },
    ];
    let beacons = beacons();
    // Spelled out, so that the oracle's messages are the ones meant.
    assert_eq!(
        expected(&beacons, &calls[0]).unwrap_err(),
        r#"beacon_identify: beacon: no Beacon named "marketing" is registered (registered: "support", "sales")"#
    );
    assert!(
        expected(&beacons, &calls[3])
            .unwrap_err()
            .contains(r#"unknown argument "usr""#)
    );
    assert!(
        expected(&beacons, &calls[7])
            .unwrap_err()
            .contains(r#"unknown key "colour""#)
    );
    for call in &calls {
        expected(&beacons, call).expect_err(call.jinja);
    }
    check_calls(beacons.clone(), &calls);

    // Too many session data entries, as the input and as data=.
    let mut engines = Engines::with_beacons(beacons.clone());
    engines.add_raw(
        "too-much.html",
        "{{ beacon_session_data(data=data) }}{{ data | beacon_session_data }}",
        "{{beacon_session_data data=data}}{{beacon_session_data data}}",
    );
    let message = expected(
        &beacons,
        &Call {
            jinja: "",
            handlebars: "",
            function: Function::SessionData,
            input: None,
            args: json!({"data": too_much}),
        },
    )
    .unwrap_err();
    assert!(
        message.contains(&SESSION_DATA_LIMIT.to_string()),
        "{message}"
    );
    for (engine, output) in ENGINES
        .iter()
        .zip(engines.render("too-much.html", &json!({"data": too_much})))
    {
        let error = output.expect_err(engine.name());
        assert!(
            error.contains(&message),
            "{engine}: {error:?} lacks {message:?}"
        );
    }
}

/// `beacon_init` needs the Beacon's ID: with only a signer registered it is
/// an error, in every engine, while identify works.
#[test]
fn beacon_init_with_a_signer_only_registration_is_an_error() {
    let signer = Signer::new(SUPPORT_KEY).unwrap();
    let beacons = Beacons::from(signer.clone());
    let message = template::render_call(
        &beacons,
        Function::Init,
        None::<&Value>,
        json!({"user": user()}),
    )
    .unwrap_err()
    .to_string();
    let mut engines = Engines::new(&signer);
    engines.add_raw(
        "init.html",
        "{{ beacon_init(user=user) }}",
        "{{beacon_init user=user}}",
    );
    engines.add_raw(
        "identify.html",
        "{{ user | beacon_identify }}",
        "{{beacon_identify user}}",
    );
    for engine in ENGINES {
        let error = engines
            .render_one(engine, "init.html", &context())
            .unwrap_err();
        assert!(
            error.contains(&format!("beacon_init: {message}")),
            "{engine}: {error}"
        );
        engines
            .render_one(engine, "identify.html", &context())
            .unwrap();
    }
}

/// Handlebars takes one input parameter, and none for `beacon_init` and
/// `beacon_logout`: more is an error naming the helper.
#[test]
fn handlebars_refuses_extra_parameters_naming_the_helper() {
    let mut engines = Engines::with_beacons(beacons());
    let cases = [
        (
            "{{beacon_identify user user}}",
            "beacon_identify: takes one user or email parameter",
        ),
        (
            "{{beacon_session_data data data}}",
            "beacon_session_data: takes one session data parameter",
        ),
        (
            "{{beacon_prefill form form}}",
            "beacon_prefill: takes one form parameter",
        ),
        (
            "{{beacon_init user}}",
            "beacon_init: takes only hash arguments",
        ),
        (
            "{{beacon_logout true}}",
            "beacon_logout: takes only hash arguments",
        ),
    ];
    for (i, (handlebars, message)) in cases.iter().enumerate() {
        let name = format!("extra{i}.html");
        engines.add_raw(&name, "", handlebars);
        for engine in ENGINES {
            if engine.name().starts_with("handlebars") {
                let error = engines.render_one(engine, &name, &context()).unwrap_err();
                assert!(
                    error.contains(message),
                    "{engine}: {error:?} lacks {message:?}"
                );
            }
        }
    }
}

/// Two Beacons with different keys sign the same user differently, through
/// the template in every engine, and each signature verifies with its own
/// key only.
#[test]
fn two_beacons_sign_with_their_own_keys_in_every_engine() {
    let mut engines = Engines::with_beacons(beacons());
    engines.add_raw(
        "two.html",
        r#"{{ user | beacon_identify }}<hr>{{ user | beacon_identify(beacon="sales") }}<hr>{{ beacon_init(user=user, beacon="support") }}<hr>{{ beacon_init(user=user, beacon="sales") }}"#,
        r#"{{beacon_identify user}}<hr>{{beacon_identify user beacon="sales"}}<hr>{{beacon_init user=user beacon="support"}}<hr>{{beacon_init user=user beacon="sales"}}"#,
    );
    let support = Signer::new(SUPPORT_KEY).unwrap();
    let sales = Signer::new(SALES_KEY).unwrap();
    let email = "jane@example.com";
    for (engine, output) in ENGINES.iter().zip(engines.render("two.html", &context())) {
        let output = output.unwrap_or_else(|e| panic!("{engine}: {e}"));
        let signatures: Vec<&str> = output
            .split("<hr>")
            .map(|part| {
                let start = part.rfind(r#""signature":""#).expect(part) + 13;
                &part[start..start + 64]
            })
            .collect();
        let [support_identify, sales_identify, support_init, sales_init] = signatures[..] else {
            panic!("{engine}: {output}");
        };
        assert_ne!(support_identify, sales_identify, "{engine}");
        assert_eq!(support_identify, support_init, "{engine}");
        assert_eq!(sales_identify, sales_init, "{engine}");
        assert_eq!(
            support_identify,
            oracle::signature(SUPPORT_KEY, email),
            "{engine}"
        );
        assert_eq!(
            sales_identify,
            oracle::signature(SALES_KEY, email),
            "{engine}"
        );
        assert!(support.verify(email, support_identify) && !sales.verify(email, support_identify));
        assert!(sales.verify(email, sales_identify) && !support.verify(email, sales_identify));
    }
}
