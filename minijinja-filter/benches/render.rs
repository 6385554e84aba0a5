//! `{{ user | beacon_identify }}` against the engine's own JSON filter in
//! the same template shape: what signing and script-safe escaping add to a
//! render. Compare the ratio within one run.
//!
//! `ignored_fields` renders a user with 10,000 `orders`, which Beacon
//! ignores, against the same user without them: the filter should skip
//! them unseen, so both take about as long. `{{ user.email }}` on the same
//! two users is the engine's own floor. The context is made a MiniJinja
//! value once, outside the measured render (`Serde(&context)` would convert
//! all of it on every render).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use helpscout_beacon::Signer;
use minijinja::Environment;
use minijinja::value::{Serde, Value};

fn benches(c: &mut Criterion) {
    let mut env = Environment::new();
    helpscout_beacon_minijinja::register(&mut env, Signer::new("bench-secret").unwrap());
    env.add_template("identify.html", "{{ user | beacon_identify }}")
        .unwrap();
    env.add_template("json.html", "{{ user | tojson }}")
        .unwrap();
    let identify = env.get_template("identify.html").unwrap();
    let json = env.get_template("json.html").unwrap();
    let context =
        serde_json::json!({"user": {"email": "jane.doe@example.com", "name": "Jane Doe"}});

    let mut group = c.benchmark_group("minijinja");
    group.bench_function("tojson", |b| {
        b.iter(|| json.render(Serde(black_box(&context))).unwrap())
    });
    group.bench_function("beacon_identify", |b| {
        b.iter(|| identify.render(Serde(black_box(&context))).unwrap())
    });
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
    let mut env = Environment::new();
    helpscout_beacon_minijinja::register(&mut env, Signer::new("bench-secret").unwrap());
    env.add_template("identify.html", "{{ user | beacon_identify }}")
        .unwrap();
    env.add_template("email.html", "{{ user.email }}").unwrap();

    let mut group = c.benchmark_group("ignored_fields");
    for (users, orders) in [("without_orders", 0), ("with_10000_orders", 10_000)] {
        let context = Value::from(Serde(serde_json::json!({"user": user_with_orders(orders)})));
        for (id, template) in [
            ("beacon_identify", "identify.html"),
            ("floor/email", "email.html"),
        ] {
            let template = env.get_template(template).unwrap();
            group.bench_function(format!("{id}/{users}"), |b| {
                b.iter(|| template.render(black_box(&context).clone()).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(render, benches, ignored_fields);
criterion_main!(render);
