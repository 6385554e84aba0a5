//! Each bad input of the README's "Error policy", through each engine: that
//! engine's render error, carrying the core's message word for word, and
//! never the secret.

use helpscout_beacon::{LimitPolicy, Signer};
use helpscout_beacon_tests::{ENGINES, Engine, Engines};
use serde_json::{Value, json};

const SECRET: &str = "engine-errors-Secret-9f2c";

struct Case {
    jinja: &'static str,
    handlebars: &'static str,
    context: Value,
    policy: LimitPolicy,
    message: String,
    /// A variable the template names and the context lacks: Tera 1 alone
    /// stops there with its own error, before calling any filter.
    undefined: Option<&'static str>,
}

const USER: (&str, &str) = ("{{ user | beacon_identify }}", "{{beacon_identify user}}");

fn user_case(user: Value, message: &str) -> Case {
    Case {
        jinja: USER.0,
        handlebars: USER.1,
        context: json!({ "user": user }),
        policy: LimitPolicy::Truncate,
        message: message.to_owned(),
        undefined: None,
    }
}

const MISSING_EMAIL: &str = "email: required, but missing, null or undefined (pass a user with an email, or an email string)";
const BAD_NONCE: &str = "nonce: must be a CSP nonce, one or more of A-Z a-z 0-9 + / - _ then at most two '='; pass the request's nonce or leave nonce out";

fn missing_email() -> Case {
    user_case(json!({"name": "Jane"}), MISSING_EMAIL)
}
fn null_email() -> Case {
    user_case(json!({"email": null, "name": "Jane"}), MISSING_EMAIL)
}
fn undefined_user() -> Case {
    Case {
        context: json!({}),
        undefined: Some("user"),
        ..user_case(Value::Null, MISSING_EMAIL)
    }
}
fn null_user() -> Case {
    user_case(Value::Null, MISSING_EMAIL)
}
fn null_email_string_form() -> Case {
    Case {
        jinja: "{{ user.email | beacon_identify(name=user.name) }}",
        handlebars: "{{beacon_identify email=user.email name=user.name}}",
        ..user_case(json!({"email": null, "name": "Jane"}), MISSING_EMAIL)
    }
}
fn number_email() -> Case {
    user_case(
        json!({"email": 42}),
        "email: must be a string, found a number",
    )
}
fn empty_email() -> Case {
    user_case(json!({"email": ""}), "email: must not be empty")
}
fn list_as_user() -> Case {
    user_case(
        json!(["a@b.c"]),
        "email: must be a string, or a user map with an email, found a list",
    )
}
fn list_as_name() -> Case {
    user_case(
        json!({"email": "a@b.c", "name": ["Jane"]}),
        "name: must be a string, found a list",
    )
}
fn map_as_company() -> Case {
    user_case(
        json!({"email": "a@b.c", "company": {"name": "Acme"}}),
        "company: must be a string, found a map",
    )
}
fn nested_map_as_attribute() -> Case {
    user_case(
        json!({"email": "a@b.c", "attributes": {"plan": {"tier": 1}}}),
        "attributes.plan: must be a string, a number or a boolean, found a map",
    )
}
// The default policy leaves an invalid avatar out (see
// `an_invalid_avatar_is_left_out_by_default`); the strict one refuses it.
fn strict_avatar_not_http() -> Case {
    Case {
        policy: LimitPolicy::Strict,
        ..user_case(
            json!({"email": "a@b.c", "avatar": "javascript:alert(1)"}),
            "avatar: must be an absolute http:// or https:// URL with a host and no spaces",
        )
    }
}
fn strict_avatar_too_long() -> Case {
    // 90 emoji are 180 UTF-16 code units: 201 in all, 111 characters.
    let avatar = format!("https://example.com/{}a", "😀".repeat(90));
    Case {
        policy: LimitPolicy::Strict,
        ..user_case(
            json!({"email": "a@b.c", "avatar": avatar}),
            "avatar: at most 200 characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found 201",
        )
    }
}
fn strict_name_too_long() -> Case {
    Case {
        policy: LimitPolicy::Strict,
        ..user_case(
            json!({"email": "a@b.c", "name": "n".repeat(81)}),
            "name: at most 80 characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found 81",
        )
    }
}
fn strict_job_title_too_long() -> Case {
    Case {
        policy: LimitPolicy::Strict,
        ..user_case(
            // 30 emoji and one letter: 31 characters, 61 UTF-16 code units.
            json!({"email": "a@b.c", "jobTitle": format!("{}j", "😀".repeat(30))}),
            "jobTitle: at most 60 characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found 61",
        )
    }
}
fn attribute_key_not_identifier() -> Case {
    user_case(
        json!({"email": "a@b.c", "attributes": {"a b": 1}}),
        r#"attributes: key "a b" must be 1 to 64 ASCII letters, digits, '_' or '-'"#,
    )
}
fn attribute_key_reserved() -> Case {
    user_case(
        json!({"email": "a@b.c", "attributes": {"signature": "forged"}}),
        r#"attributes: key "signature" is a Beacon field name; set that field itself, or rename the attribute"#,
    )
}
fn too_many_attributes() -> Case {
    let attributes: serde_json::Map<String, Value> =
        (0..31).map(|i| (format!("k{i}"), json!(i))).collect();
    user_case(
        json!({"email": "a@b.c", "attributes": attributes}),
        "attributes: at most 30 custom attributes, found 31",
    )
}
fn bad_nonce() -> Case {
    Case {
        jinja: "{{ user | beacon_identify(nonce=nonce) }}",
        handlebars: "{{beacon_identify user nonce=nonce}}",
        context: json!({"user": {"email": "a@b.c"}, "nonce": "\"><script>alert(1)</script>"}),
        ..user_case(Value::Null, BAD_NONCE)
    }
}
const NULL_NONCE: &str = "nonce: null or undefined (is the request's nonce in the template's context?); pass it, or leave nonce out";
fn null_nonce() -> Case {
    Case {
        context: json!({"user": {"email": "a@b.c"}, "nonce": null}),
        message: NULL_NONCE.to_owned(),
        ..bad_nonce()
    }
}
/// The likely mistake: the template names a nonce the context lacks.
fn undefined_nonce() -> Case {
    Case {
        context: json!({"user": {"email": "a@b.c"}}),
        undefined: Some("nonce"),
        ..null_nonce()
    }
}
fn unknown_argument() -> Case {
    Case {
        jinja: r#"{{ user | beacon_identify(nonse="abc") }}"#,
        handlebars: r#"{{beacon_identify user nonse="abc"}}"#,
        ..user_case(
            json!({"email": "a@b.c"}),
            r#"unknown argument "nonse" (beacon_identify takes email, name, company, jobTitle, avatar, attributes, nonce and beacon)"#,
        )
    }
}

fn check(engine: Engine, case: Case) {
    let signer = Signer::new(SECRET).unwrap().with_policy(case.policy);
    let mut engines = Engines::new(&signer);
    engines.add_raw("page.html", case.jinja, case.handlebars);
    let outcome = engines.render_one(engine, "page.html", &case.context);
    let error = match outcome {
        Ok(output) => panic!("rendered {output:?} instead of failing"),
        Err(error) => error,
    };
    // The filter's name, then the core's message word for word.
    let expected = match case.undefined {
        Some(variable) if engine == Engine::Tera1 => {
            format!("Variable `{variable}` not found in context")
        }
        _ => format!("beacon_identify: {}", case.message),
    };
    assert!(
        error.contains(&expected),
        "{error:?} does not carry {expected:?}"
    );
    assert!(!error.contains(SECRET) && !error.contains("Secret-9f2c"));
}

macro_rules! per_engine {
    ($($class:ident),* $(,)?) => {
        mod tera {
            $( #[test] fn $class() { super::check(super::Engine::Tera, super::$class()) } )*
        }
        mod minijinja {
            $( #[test] fn $class() { super::check(super::Engine::MiniJinja, super::$class()) } )*
        }
        mod handlebars {
            $( #[test] fn $class() { super::check(super::Engine::Handlebars, super::$class()) } )*
        }
        mod tera1 {
            $( #[test] fn $class() { super::check(super::Engine::Tera1, super::$class()) } )*
        }
        mod minijinja2 {
            $( #[test] fn $class() { super::check(super::Engine::MiniJinja2, super::$class()) } )*
        }
        mod handlebars5 {
            $( #[test] fn $class() { super::check(super::Engine::Handlebars5, super::$class()) } )*
        }
    };
}

per_engine!(
    missing_email,
    null_email,
    undefined_user,
    null_user,
    null_email_string_form,
    number_email,
    empty_email,
    list_as_user,
    list_as_name,
    map_as_company,
    nested_map_as_attribute,
    strict_avatar_not_http,
    strict_avatar_too_long,
    strict_name_too_long,
    strict_job_title_too_long,
    attribute_key_not_identifier,
    attribute_key_reserved,
    too_many_attributes,
    bad_nonce,
    null_nonce,
    undefined_nonce,
    unknown_argument,
);

/// The error is the engine's own type, not a string: callers can match on it.
#[test]
fn errors_are_each_engines_own_type() {
    let signer = Signer::new(SECRET).unwrap();
    let context = json!({"user": {"name": "no email"}});

    let mut tera = ::tera::Tera::default();
    helpscout_beacon_tera::register(&mut tera, signer.clone());
    tera.add_raw_template("t.html", USER.0).unwrap();
    let ctx = ::tera::Context::from_serialize(&context).unwrap();
    let error: ::tera::Error = tera.render("t.html", &ctx).unwrap_err();
    assert!(format!("{error}").contains(MISSING_EMAIL));

    let mut env = ::minijinja::Environment::new();
    helpscout_beacon_minijinja::register(&mut env, signer.clone());
    env.add_template("t.html", USER.0).unwrap();
    let error: ::minijinja::Error = env
        .get_template("t.html")
        .unwrap()
        .render(::minijinja::value::Serde(&context))
        .unwrap_err();
    assert_eq!(error.kind(), ::minijinja::ErrorKind::InvalidOperation);
    assert!(error.to_string().contains(MISSING_EMAIL));

    let mut hbs = ::handlebars::Handlebars::new();
    helpscout_beacon_handlebars::register(&mut hbs, signer);
    hbs.register_template_string("t.html", USER.1).unwrap();
    let error: ::handlebars::RenderError = hbs.render("t.html", &context).unwrap_err();
    assert!(error.to_string().contains(MISSING_EMAIL));
}

/// Under the default policy an invalid avatar is no error: every engine
/// leaves it out and emits what it emits for the user without one.
#[test]
fn an_invalid_avatar_is_left_out_by_default() {
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    engines.add_raw("page.html", USER.0, USER.1);
    let too_long = format!("https://example.com/{}a", "😀".repeat(90));
    for avatar in [
        "javascript:alert(1)",
        "/relative/avatar.png",
        "https:///no-host.png",
        "https://exa mple.com/a.png",
        too_long.as_str(),
    ] {
        let with = json!({"user": {"email": "a@b.c", "name": "Jane", "avatar": avatar}});
        let without = json!({"user": {"email": "a@b.c", "name": "Jane"}});
        let expected = engines.render("page.html", &without);
        for ((engine, output), expected) in ENGINES
            .iter()
            .zip(engines.render("page.html", &with))
            .zip(expected)
        {
            let output = output.unwrap_or_else(|e| panic!("{engine}, {avatar:?}: {e}"));
            assert_eq!(Ok(&output), expected.as_ref(), "{engine}, {avatar:?}");
            assert!(!output.contains("avatar"), "{engine}: {output}");
        }
    }
}
