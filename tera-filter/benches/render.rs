//! `{{ user | beacon_identify }}` against the engine's own JSON filter in
//! the same template shape: what signing and script-safe escaping add to a
//! render. Compare the ratio within one run.
//!
//! Two floors show how much of that budget is fixed: `floor/constant`, a
//! filter that returns a constant safe string as long as our output (what
//! any filter costs in Tera), and `floor/sign_only`, a filter that looks up
//! the email and returns nothing but its signature.
//!
//! `ignored_fields` renders a user with 10,000 `orders`, which Beacon
//! ignores, against the same user without them: the filter should skip
//! them unseen, so both take about as long. `{{ user.email }}` on the same
//! two users is the engine's own floor. The context is built once, outside
//! the measured render.

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
    tera.add_raw_template("identify.html", "{{ user | beacon_identify }}")
        .unwrap();
    tera.add_raw_template("json.html", "{{ user | json_encode | safe }}")
        .unwrap();
    let mut context = Context::new();
    context.insert(
        "user",
        &serde_json::json!({"email": "jane.doe@example.com", "name": "Jane Doe"}),
    );

    // The floors get an instance of their own, so that the comparison above
    // runs in exactly the instance it always ran in.
    let mut floors = Tera::default();
    let constant = "x".repeat(150);
    floors.register_filter(
        "constant",
        move |_: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            Ok(Value::safe_string(&constant))
        },
    );
    floors.register_filter(
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
    floors
        .add_raw_template("constant.html", "{{ user | constant }}")
        .unwrap();
    floors
        .add_raw_template("sign_only.html", "{{ user | sign_only }}")
        .unwrap();

    let mut group = c.benchmark_group("tera");
    group.bench_function("json_encode", |b| {
        b.iter(|| tera.render("json.html", black_box(&context)).unwrap())
    });
    group.bench_function("beacon_identify", |b| {
        b.iter(|| tera.render("identify.html", black_box(&context)).unwrap())
    });
    for (id, template) in [
        ("floor/constant", "constant.html"),
        ("floor/sign_only", "sign_only.html"),
    ] {
        group.bench_function(id, |b| {
            b.iter(|| floors.render(template, black_box(&context)).unwrap())
        });
    }
    group.finish();
}

/// A user with `orders` orders, each a small map Beacon ignores.
fn user_with_orders(orders: usize) -> serde_json::Value {
    let mut user = serde_json::json!({"email": "jane.doe@example.com", "name": "Jane Doe"});
    if orders > 0 {
        user["orders"] = (0..orders)
            .map(|n| serde_json::json!({"id": n, "sku": format!("SKU-{n:05}"), "qty": 3}))
            .collect();
    }
    user
}

fn ignored_fields(c: &mut Criterion) {
    let mut tera = Tera::default();
    helpscout_beacon_tera::register(&mut tera, Signer::new("bench-secret").unwrap());
    tera.add_raw_template("identify.html", "{{ user | beacon_identify }}")
        .unwrap();
    tera.add_raw_template("email.html", "{{ user.email }}")
        .unwrap();

    let mut group = c.benchmark_group("ignored_fields");
    for (users, orders) in [("without_orders", 0), ("with_10000_orders", 10_000)] {
        let mut context = Context::new();
        context.insert("user", &user_with_orders(orders));
        for (id, template) in [
            ("beacon_identify", "identify.html"),
            ("floor/email", "email.html"),
        ] {
            group.bench_function(format!("{id}/{users}"), |b| {
                b.iter(|| tera.render(template, black_box(&context)).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(render, benches, ignored_fields);
criterion_main!(render);
