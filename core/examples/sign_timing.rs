//! Signs every email of a vectors file many times and prints the mean cost
//! of one signature in nanoseconds, for `scripts/compare-reference.sh`,
//! which runs Help Scout's reference implementations on the same emails:
//! first with the key state kept in a `Signer` (how the crate is used), then
//! with a new `Signer` per signature (how the reference examples work).
//!
//! ```console
//! $ cargo run --release -p helpscout-beacon --example sign_timing -- core/tests/data/signatures.jsonl
//! ```

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use helpscout_beacon::Signer;

/// Enough rounds for a stable mean, few enough to finish in about a second.
const ROUNDS: usize = 5_000;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: sign_timing VECTORS.jsonl");
        return ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut cases = Vec::new();
    let mut keys = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(error) => {
                eprintln!("error: {path}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let field = |name: &str| v[name].as_str().unwrap_or_default().to_owned();
        let Ok(signer) = Signer::new(field("secret")) else {
            continue;
        };
        cases.push((signer, field("email"), field("signature")));
        keys.push((field("email"), field("secret")));
    }
    // The same check the reference scripts make: every signature matches.
    if let Some((_, email, _)) = cases.iter().find(|(s, e, sig)| s.sign(e) != sig.as_str()) {
        eprintln!("error: signature mismatch for {email:?}");
        return ExitCode::FAILURE;
    }
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for (signer, email, _) in &cases {
            black_box(signer.sign(black_box(email)));
        }
    }
    let kept = start.elapsed().as_nanos() as f64 / (ROUNDS * cases.len()) as f64;
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for (email, secret) in &keys {
            if let Ok(signer) = Signer::new(black_box(secret)) {
                black_box(signer.sign(black_box(email)));
            }
        }
    }
    let fresh = start.elapsed().as_nanos() as f64 / (ROUNDS * cases.len()) as f64;
    println!("{kept:.1} {fresh:.1}");
    ExitCode::SUCCESS
}
