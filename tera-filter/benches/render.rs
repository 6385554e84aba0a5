//! `{{ user | beacon_identify }}` against the engine's own JSON filter in
//! the same template shape: what signing and script-safe escaping add to a
//! render. Compare the ratio within one run.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use helpscout_beacon::Signer;
use tera::{Context, Tera};

fn benches(c: &mut Criterion) {
    let mut tera = Tera::default();
    helpscout_beacon_tera::register(&mut tera, Signer::new("bench-secret").unwrap());
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

    let mut group = c.benchmark_group("tera");
    group.bench_function("json_encode", |b| {
        b.iter(|| tera.render("json.html", black_box(&context)).unwrap())
    });
    group.bench_function("beacon_identify", |b| {
        b.iter(|| tera.render("identify.html", black_box(&context)).unwrap())
    });
    group.finish();
}

criterion_group!(render, benches);
criterion_main!(render);
