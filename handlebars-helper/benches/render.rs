//! `{{beacon_identify user}}` against a reference helper that writes
//! `serde_json::to_string` of its parameter, in the same template shape:
//! what signing and script-safe escaping add to a render. Compare the ratio
//! within one run.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use helpscout_beacon::Signer;

fn json(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = h
        .param(0)
        .map(|p| p.value())
        .unwrap_or(&serde_json::Value::Null);
    let text = serde_json::to_string(value).map_err(|e| RenderErrorReason::Other(e.to_string()))?;
    out.write(&text)?;
    Ok(())
}

fn benches(c: &mut Criterion) {
    let mut handlebars = Handlebars::new();
    helpscout_beacon_handlebars::register(&mut handlebars, Signer::new("bench-secret").unwrap());
    handlebars.register_helper("json", Box::new(json));
    handlebars
        .register_template_string("identify.html", "{{beacon_identify user}}")
        .unwrap();
    handlebars
        .register_template_string("json.html", "{{json user}}")
        .unwrap();
    let context =
        serde_json::json!({"user": {"email": "jane.doe@example.com", "name": "Jane Doe"}});

    let mut group = c.benchmark_group("handlebars");
    group.bench_function("json_helper", |b| {
        b.iter(|| handlebars.render("json.html", black_box(&context)).unwrap())
    });
    group.bench_function("beacon_identify", |b| {
        b.iter(|| {
            handlebars
                .render("identify.html", black_box(&context))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(render, benches);
criterion_main!(render);
