//! `{{ user | beacon_identify }}` against the engine's own JSON filter in
//! the same template shape: what signing and script-safe escaping add to a
//! render. Compare the ratio within one run.
//!
//! Two floors show how much of that budget is fixed: `floor/constant`, a
//! filter that returns a constant safe string as long as our output (what
//! any filter costs in Tera), and `floor/sign_only`, a filter that looks up
//! the email and returns nothing but its signature.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use helpscout_beacon::Signer;
use tera::value::Key;
use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

fn benches(c: &mut Criterion) {
    let signer = Signer::new("bench-secret").unwrap();
    let mut tera = Tera::default();
    helpscout_beacon_tera::register(&mut tera, signer.clone());
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    let constant = "x".repeat(150);
    tera.register_filter(
        "constant",
        move |_: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            Ok(Value::safe_string(&constant))
        },
    );
    tera.register_filter(
        "sign_only",
        move |user: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            let email = user
                .as_map()
                .and_then(|map| map.get(&Key::Str("email")))
                .and_then(Value::as_str)
                .unwrap_or_default();
            Ok(Value::safe_string(signer.sign(email).as_str()))
        },
    );
    let templates = [
        ("identify.html", "{{ user | beacon_identify }}"),
        ("json.html", "{{ user | json_encode | safe }}"),
        ("constant.html", "{{ user | constant }}"),
        ("sign_only.html", "{{ user | sign_only }}"),
    ];
    for (name, source) in templates {
        tera.add_raw_template(name, source).unwrap();
    }
    let mut context = Context::new();
    context.insert(
        "user",
        &serde_json::json!({"email": "jane.doe@example.com", "name": "Jane Doe"}),
    );

    let mut group = c.benchmark_group("tera");
    let cases = [
        ("json_encode", "json.html"),
        ("beacon_identify", "identify.html"),
        ("floor/constant", "constant.html"),
        ("floor/sign_only", "sign_only.html"),
    ];
    for (id, template) in cases {
        group.bench_function(id, |b| {
            b.iter(|| tera.render(template, black_box(&context)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(render, benches);
criterion_main!(render);
