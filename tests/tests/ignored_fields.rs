//! A user's fields that Beacon does not take are skipped, never walked:
//! `{{ user | beacon_identify }}` renders a user whose ignored `orders`
//! nests 50,000 levels deep on a thread with a 2 MiB stack (Tokio's
//! default), in every engine whose own `{{ user.email }}` renders there,
//! and emits exactly what the same user without `orders` gives.
//!
//! Each engine's context is built (and dropped) on a thread with a large
//! stack: converting a value into an engine's own (serde's `Serialize`) and
//! dropping a nested `serde_json::Value` or engine value both recurse once
//! per level, which no adapter can change. Only the renders run on the
//! 2 MiB thread. The deep values themselves are built iteratively.
//!
//! Every engine renders its own `{{ user.email }}` on the 2 MiB thread with
//! the context built beforehand: Tera 2, MiniJinja 3 and 2 hold maps and
//! lists behind `Arc`s and look the user up without copying it, Handlebars
//! and Tera 1 borrow from the `serde_json::Value` the context owns. (A
//! context built per render, as `Engines::render_one` does from a
//! `serde_json::Value`, would overflow in the conversion before any filter
//! runs: that is the engine's, not the adapter's.)

use std::thread;

use helpscout_beacon::{Identity, Signer};
use serde_json::{Map, Value, json};

const DEPTH: usize = 50_000;
/// Tokio's default for its worker threads, and Rust's for spawned ones.
const SMALL_STACK: usize = 2 * 1024 * 1024;
/// For building and dropping the deep values: each level takes a few
/// hundred bytes of stack in serde's and the engines' recursion. Only
/// reserved address space, not memory, until used.
const BIG_STACK: usize = 1024 * 1024 * 1024;

const EMAIL_TEMPLATE: &str = "{{ user.email }}";
const IDENTIFY_TEMPLATE: &str = "{{ user | beacon_identify }}";
const HBS_EMAIL_TEMPLATE: &str = "{{user.email}}";
const HBS_IDENTIFY_TEMPLATE: &str = "{{beacon_identify user}}";

#[derive(Debug, Clone, Copy)]
enum Shape {
    /// `[[[…]]]`
    Arrays,
    /// `{"a": {"a": {…}}}`
    Maps,
}

/// `DEPTH` levels of `shape`, built without recursion.
fn deep(shape: Shape) -> Value {
    let mut value = Value::Null;
    for _ in 0..DEPTH {
        value = match shape {
            Shape::Arrays => Value::Array(vec![value]),
            Shape::Maps => {
                let mut map = Map::new();
                map.insert("a".into(), value);
                Value::Object(map)
            }
        };
    }
    value
}

/// The user without anything Beacon ignores.
fn plain_user() -> Value {
    json!({
        "email": "deep@example.com",
        "name": "Deep Orders",
        "company": "Acme",
        "attributes": {"plan": "pro", "seats": 3},
    })
}

/// The same user with `orders` nesting `shape` `DEPTH` levels deep, before
/// and after Beacon's own fields (a map's order may depend on features).
fn deep_user(shape: Shape) -> Value {
    let mut user = Map::new();
    user.insert("orders".into(), deep(shape));
    for (key, value) in plain_user().as_object().unwrap() {
        user.insert(key.clone(), value.clone());
    }
    user.insert("zz_history".into(), deep(shape));
    Value::Object(user)
}

fn expected(signer: &Signer) -> String {
    let identity: Identity = serde_json::from_value(plain_user()).unwrap();
    signer.identify(&identity).unwrap().into_string()
}

/// Runs `f` on a thread `name` with `stack` bytes of stack and returns what it
/// returns; a panic on it is re-raised here.
fn on_stack<T: Send>(name: &str, stack: usize, f: impl FnOnce() -> T + Send) -> T {
    thread::scope(|scope| {
        thread::Builder::new()
            .name(name.to_owned())
            .stack_size(stack)
            .spawn_scoped(scope, f)
            .unwrap()
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// What one engine renders for a user: the engine's own `{{ user.email }}`,
/// then `{{ user | beacon_identify }}`.
type Outputs = (Result<String, String>, Result<String, String>);

/// Checks one engine: the plain user's outputs, then each deep user's,
/// the latter equal to the former.
fn check(engine: &'static str, case: impl Fn(&Signer, &Value) -> Outputs + Sync) {
    on_stack("big stack", BIG_STACK, || {
        let signer = Signer::new("ignored-fields-secret").unwrap();
        let expected = expected(&signer);
        let plain = case(&signer, &plain_user());
        assert_eq!(plain.0.as_deref(), Ok("deep@example.com"), "{engine}");
        assert_eq!(plain.1.as_deref(), Ok(expected.as_str()), "{engine}");
        for shape in [Shape::Arrays, Shape::Maps] {
            let user = deep_user(shape);
            let outputs = case(&signer, &user);
            assert_eq!(outputs, plain, "{engine}, {shape:?}");
            // `user` is dropped here, on the big stack.
        }
    });
}

fn small<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    on_stack("2 MiB stack", SMALL_STACK, f)
}

#[test]
fn tera2_skips_deep_ignored_fields() {
    check("tera", |signer, user| {
        let mut tera = tera::Tera::default();
        helpscout_beacon_tera::register(&mut tera, signer.clone());
        tera.add_raw_template("email.html", EMAIL_TEMPLATE).unwrap();
        tera.add_raw_template("identify.html", IDENTIFY_TEMPLATE)
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("user", user);
        small(|| {
            let render = |name| tera.render(name, &context).map_err(|e| e.to_string());
            (render("email.html"), render("identify.html"))
        })
    });
}

#[test]
fn minijinja3_skips_deep_ignored_fields() {
    check("minijinja", |signer, user| {
        let mut env = minijinja::Environment::new();
        helpscout_beacon_minijinja::register(&mut env, signer.clone());
        env.add_template("email.html", EMAIL_TEMPLATE).unwrap();
        env.add_template("identify.html", IDENTIFY_TEMPLATE)
            .unwrap();
        let user = minijinja::Value::from(minijinja::value::Serde(user));
        small(|| {
            let render = |name| {
                let context = minijinja::context! { user => user.clone() };
                env.get_template(name)
                    .and_then(|t| t.render(context))
                    .map_err(|e| format!("{e:#}"))
            };
            (render("email.html"), render("identify.html"))
        })
    });
}

#[test]
fn handlebars_skips_deep_ignored_fields() {
    check("handlebars", |signer, user| {
        let mut handlebars = handlebars::Handlebars::new();
        helpscout_beacon_handlebars::register(&mut handlebars, signer.clone());
        handlebars
            .register_template_string("email.html", HBS_EMAIL_TEMPLATE)
            .unwrap();
        handlebars
            .register_template_string("identify.html", HBS_IDENTIFY_TEMPLATE)
            .unwrap();
        let context = handlebars::Context::from(json!({ "user": user }));
        small(|| {
            let render = |name| {
                handlebars
                    .render_with_context(name, &context)
                    .map_err(|e| e.to_string())
            };
            (render("email.html"), render("identify.html"))
        })
    });
}

#[test]
fn handlebars5_skips_deep_ignored_fields() {
    check("handlebars5", |signer, user| {
        let mut handlebars = handlebars5::Handlebars::new();
        helpscout_beacon_handlebars::register(&mut handlebars, signer.clone());
        handlebars
            .register_template_string("email.html", HBS_EMAIL_TEMPLATE)
            .unwrap();
        handlebars
            .register_template_string("identify.html", HBS_IDENTIFY_TEMPLATE)
            .unwrap();
        let context = handlebars5::Context::from(json!({ "user": user }));
        small(|| {
            let render = |name| {
                handlebars
                    .render_with_context(name, &context)
                    .map_err(|e| e.to_string())
            };
            (render("email.html"), render("identify.html"))
        })
    });
}

#[test]
fn tera1_skips_deep_ignored_fields() {
    check("tera1", |signer, user| {
        let mut tera = tera1::Tera::default();
        helpscout_beacon_tera::register(&mut tera, signer.clone());
        tera.add_raw_template("email.html", EMAIL_TEMPLATE).unwrap();
        tera.add_raw_template("identify.html", IDENTIFY_TEMPLATE)
            .unwrap();
        let context = tera1::Context::from_value(json!({ "user": user })).unwrap();
        small(|| {
            let render = |name| tera.render(name, &context).map_err(|e| format!("{e:?}"));
            (render("email.html"), render("identify.html"))
        })
    });
}

#[test]
fn minijinja2_skips_deep_ignored_fields() {
    check("minijinja2", |signer, user| {
        let mut env = minijinja2::Environment::new();
        helpscout_beacon_minijinja::register(&mut env, signer.clone());
        env.add_template("email.html", EMAIL_TEMPLATE).unwrap();
        env.add_template("identify.html", IDENTIFY_TEMPLATE)
            .unwrap();
        let user = minijinja2::Value::from_serialize(user);
        small(|| {
            let render = |name| {
                let context = minijinja2::context! { user => user.clone() };
                env.get_template(name)
                    .and_then(|t| t.render(context))
                    .map_err(|e| format!("{e:#}"))
            };
            (render("email.html"), render("identify.html"))
        })
    });
}
