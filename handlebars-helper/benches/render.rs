//! `{{beacon_identify user}}` against a reference helper that writes
//! `serde_json::to_string` of its parameter, in the same template shape:
//! what signing and script-safe escaping add to a render. Compare the ratio
//! within one run.
//!
//! Two floors show how much of that budget is fixed: `floor/constant`, a
//! helper that writes a constant string as long as our output, and
//! `floor/sign_only`, a helper that looks up the email and writes nothing
//! but its signature.
//!
//! `ignored_fields` renders a user with 10,000 `orders`, which Beacon
//! ignores, against the same user without them: the helper should skip
//! them unseen, so both take about as long. `{{user.email}}` on the same
//! two users is the engine's own floor. The context is built once, outside
//! the measured render (`render` would copy all of it on every render).

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
    let signer = Signer::new("bench-secret").unwrap();
    let mut handlebars = Handlebars::new();
    helpscout_beacon_handlebars::register(&mut handlebars, signer.clone());
    handlebars.register_helper("json", Box::new(json));
    handlebars
        .register_template_string("identify.html", "{{beacon_identify user}}")
        .unwrap();
    handlebars
        .register_template_string("json.html", "{{json user}}")
        .unwrap();
    let context =
        serde_json::json!({"user": {"email": "jane.doe@example.com", "name": "Jane Doe"}});

    // The floors get a registry of their own, so that the comparison above
    // runs in exactly the registry it always ran in.
    let mut floors = Handlebars::new();
    let constant = "x".repeat(150);
    floors.register_helper(
        "constant",
        Box::new(
            move |_: &Helper<'_>,
                  _: &Handlebars<'_>,
                  _: &Context,
                  _: &mut RenderContext<'_, '_>,
                  out: &mut dyn Output|
                  -> HelperResult {
                out.write(&constant)?;
                Ok(())
            },
        ),
    );
    floors.register_helper(
        "sign_only",
        Box::new(
            move |h: &Helper<'_>,
                  _: &Handlebars<'_>,
                  _: &Context,
                  _: &mut RenderContext<'_, '_>,
                  out: &mut dyn Output|
                  -> HelperResult {
                let email = h
                    .param(0)
                    .and_then(|user| user.value().get("email"))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default();
                out.write(signer.sign(email).as_str())?;
                Ok(())
            },
        ),
    );
    for (name, source) in [
        ("constant.html", "{{constant user}}"),
        ("sign_only.html", "{{sign_only user}}"),
    ] {
        floors.register_template_string(name, source).unwrap();
    }

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
    let mut handlebars = Handlebars::new();
    helpscout_beacon_handlebars::register(&mut handlebars, Signer::new("bench-secret").unwrap());
    handlebars
        .register_template_string("identify.html", "{{beacon_identify user}}")
        .unwrap();
    handlebars
        .register_template_string("email.html", "{{user.email}}")
        .unwrap();

    let mut group = c.benchmark_group("ignored_fields");
    for (users, orders) in [("without_orders", 0), ("with_10000_orders", 10_000)] {
        let context = Context::from(serde_json::json!({"user": user_with_orders(orders)}));
        for (id, template) in [
            ("beacon_identify", "identify.html"),
            ("floor/email", "email.html"),
        ] {
            group.bench_function(format!("{id}/{users}"), |b| {
                b.iter(|| {
                    handlebars
                        .render_with_context(template, black_box(&context))
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(render, benches, ignored_fields);
criterion_main!(render);
