//! Signing speed against its floor.
//!
//! With the key state precomputed, HMAC-SHA256 of a short email is two
//! SHA-256 block compressions (inner and outer); `floor/two_compressions`
//! measures exactly that, so `sign / floor` is the overhead of our code.
//! `template/render` is what every engine's `beacon_identify` runs: read a
//! user map and (empty) keyword arguments, validate, sign and write.
//! Compare ratios within one run: the machines are shared and noisy.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use helpscout_beacon::{Identity, Signer, template};
use sha2::block_api::compress256;

const EMAIL: &str = "jane.doe@example.com";

fn benches(c: &mut Criterion) {
    let signer = Signer::new("secret_key_from_beacon_config").unwrap();
    let signature = signer.sign(EMAIL).to_string();
    let identity = Identity::new(EMAIL).name("Jane Doe");

    let mut group = c.benchmark_group("signing");
    group.bench_function("floor/two_compressions", |b| {
        let blocks = [[0x5c_u8; 64], [0x36_u8; 64]];
        b.iter(|| {
            let mut state = black_box([
                0x6a09e667,
                0xbb67ae85,
                0x3c6ef372,
                0xa54ff53a,
                0x510e527f,
                0x9b05688c,
                0x1f83d9ab,
                0x5be0cd19_u32,
            ]);
            compress256(&mut state, black_box(&blocks[..1]));
            let mut outer = black_box(state);
            compress256(&mut outer, black_box(&blocks[1..]));
            outer
        })
    });
    group.bench_function("sign", |b| b.iter(|| signer.sign(black_box(EMAIL))));
    group.bench_function("verify", |b| {
        b.iter(|| signer.verify(black_box(EMAIL), black_box(&signature)))
    });
    group.bench_function("identify", |b| {
        b.iter(|| signer.identify(black_box(&identity)))
    });
    // Names outside ASCII and with several spaces take the escaping's slow
    // path (each such character becomes a `\uXXXX`).
    let accented = Identity::new(EMAIL).name("Zoë Saldaña de la Peña");
    group.bench_function("identify/non_ascii_name", |b| {
        b.iter(|| signer.identify(black_box(&accented)))
    });
    let user = serde_json::json!({"email": EMAIL, "name": "Jane Doe"});
    let no_arguments = serde_json::json!({});
    group.bench_function("template/render", |b| {
        b.iter(|| template::render(&signer, Some(black_box(&user)), black_box(&no_arguments)))
    });
    group.finish();
}

criterion_group!(signing, benches);
criterion_main!(signing);
