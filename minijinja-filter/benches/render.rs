//! `{{ user | beacon_identify }}` against the engine's own JSON filter in
//! the same template shape: what signing and script-safe escaping add to a
//! render. Compare the ratio within one run.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use helpscout_beacon::Signer;
use minijinja::Environment;
use minijinja::value::Serde;

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

criterion_group!(render, benches);
criterion_main!(render);
