//! One registered engine per crate, shared by 8 threads rendering 10,000
//! times each: every output is the expected text.

use std::sync::Arc;
use std::thread;

use helpscout_beacon::{Identity, Signer};
use helpscout_beacon_tests::{ENGINES, Engines, Form, context};
use serde_json::json;

const THREADS: usize = 8;
const RENDERS: usize = 10_000;

#[test]
fn eight_threads_ten_thousand_renders_per_engine() {
    let signer = Signer::new("threads-secret").unwrap();
    // Each thread renders its own user, so a mix-up between threads shows.
    let users: Vec<_> = (0..THREADS)
        .map(|t| json!({"email": format!("user{t}@example.com"), "name": format!("User </script> {t}")}))
        .collect();
    let expected: Vec<String> = users
        .iter()
        .map(|user| {
            let identity: Identity = serde_json::from_value(user.clone()).unwrap();
            signer.identify(&identity).unwrap().into_string()
        })
        .collect();
    let mut engines = Engines::new(&signer);
    let name = engines.template_for(Form::User, &users[0]);
    let engines = Arc::new(engines);

    for (engine, engine_name) in ENGINES.map(|e| (e, e.name())) {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let engines = Arc::clone(&engines);
                let name = name.clone();
                let context = context(&users[t], "unused");
                let expected = expected[t].clone();
                thread::spawn(move || {
                    for _ in 0..RENDERS {
                        let output = engines.render_one(engine, &name, &context);
                        assert_eq!(output.as_deref(), Ok(expected.as_str()));
                    }
                    RENDERS
                })
            })
            .collect();
        let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(total, THREADS * RENDERS, "{engine_name}");
    }
}
