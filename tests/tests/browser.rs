//! Headless Chromium runs one page per engine holding every identity of the
//! hostile corpus, each call in its own `<script>` element, with a stub
//! `window.Beacon` that records its arguments and traps on `alert`,
//! `prompt`, `confirm`, `window.onerror` and failed resource loads. Every
//! call must arrive, in order, from its own script, equal field by field to
//! what an independent oracle expects (truncation and HMAC-SHA256 worked
//! out in the test), and no trap may fire. Then the same calls under a
//! Content Security Policy: the one rendered with `nonce=` runs, the ones
//! without it (or with another nonce) are blocked.
//!
//! Without Chromium each test prints a loud SKIPPED line and returns;
//! under `CI=true` it fails instead.

use helpscout_beacon::Signer;
use helpscout_beacon_tests::browser::chromium;
use helpscout_beacon_tests::corpus::users;
use helpscout_beacon_tests::page::{
    Call, Page, Violation, check_call, check_scripts, corpus_page, csp_page, parsed_elements,
    ran_as_emitted, read_results,
};
use helpscout_beacon_tests::{ENGINES, Engines, oracle};
use serde_json::json;

/// A secret with non-ASCII characters: the oracle must key HMAC with its
/// UTF-8 bytes, as the core does.
const SECRET: &str = "browser-secret-ключ-🔑";
/// A valid CSP nonce (base64 characters, `=` only at the end).
const NONCE: &str = "cSp+N0nce/x-_y==";
const WRONG_NONCE: &str = "wr0ng+N0nce/x-_y==";

/// Every corpus identity through each engine's page: all calls, in order,
/// each from its own script and as the oracle expects, and no trap.
#[test]
fn every_corpus_identity_reaches_beacon_intact_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let users = users();
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    let pages: Vec<Page> = ENGINES
        .into_iter()
        .map(|engine| corpus_page(&mut engines, engine, &users, NONCE))
        .collect();
    let htmls: Vec<String> = pages.iter().map(Page::html).collect();
    let doms = chromium.dump_doms(&htmls);
    for ((name, page), dom) in ENGINES.iter().zip(&pages).zip(&doms) {
        let results = ran_as_emitted(dom, page, name.name());
        assert!(
            results.traps.is_empty() && results.violations.is_empty(),
            "{name}: traps fired: {:?} {:?}",
            results.traps,
            results.violations
        );
        assert_eq!(results.calls.len(), users.len(), "{name}: calls arrived");
        let failures: Vec<String> = results
            .calls
            .iter()
            .zip(&users)
            .enumerate()
            // The recorder is script 0, so user i's call is script i + 1.
            .filter_map(|(i, (call, user))| {
                check_call(call, user, SECRET, i + 1)
                    .err()
                    .map(|e| format!("user {i} {user}: {e}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{name}: {} of {} calls differ; first ones:\n{}",
            failures.len(),
            users.len(),
            failures[..failures.len().min(10)].join("\n")
        );
        eprintln!(
            "{name}: {} identities, {} calls checked in Chromium",
            users.len(),
            results.calls.len()
        );
    }
}

/// Under `script-src 'nonce-…'` only the call rendered with that nonce
/// runs; the same call without it, or with another nonce, is blocked. The
/// same page without the policy runs all three.
#[test]
fn csp_runs_the_nonced_call_and_blocks_the_others_in_every_engine() {
    let Some(chromium) = chromium() else { return };
    let users = users();
    // Hostile users: a name with `</script>`, and a hostile email.
    let (allowed, blocked) = (&users[0], &users[7]);
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    let mut pages = Vec::new();
    for engine in ENGINES {
        for policy in [true, false] {
            let nonces = (NONCE, WRONG_NONCE);
            let page = csp_page(&mut engines, engine, (allowed, blocked), nonces, policy);
            pages.push((engine, policy, page));
        }
    }
    let htmls: Vec<String> = pages.iter().map(|(_, _, page)| page.html()).collect();
    let doms = chromium.dump_doms(&htmls);
    for ((engine, policy, page), dom) in pages.iter().zip(&doms) {
        let what = format!("{}, policy {policy}", engine);
        let results = ran_as_emitted(dom, page, &what);
        assert!(results.traps.is_empty(), "{what}: {:?}", results.traps);
        if *policy {
            assert_eq!(results.calls.len(), 1, "{what}: {:?}", results.calls);
            check_call(&results.calls[0], allowed, SECRET, 1)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let inline = Violation {
                directive: "script-src-elem".into(),
                blocked: "inline".into(),
                line: 0,
            };
            let violations: Vec<Violation> = results
                .violations
                .iter()
                .map(|v| Violation {
                    line: 0,
                    ..v.clone()
                })
                .collect();
            assert_eq!(violations, [inline.clone(), inline], "{what}");
        } else {
            // Without the policy all three run: the blocked ones were
            // blocked by the policy alone.
            assert!(results.violations.is_empty(), "{what}");
            assert_eq!(results.calls.len(), 3, "{what}");
            for (i, user) in [allowed, blocked, blocked].into_iter().enumerate() {
                check_call(&results.calls[i], user, SECRET, i + 1)
                    .unwrap_or_else(|e| panic!("{what}, call {i}: {e}"));
            }
        }
    }
}

/// The harness has teeth: a call written by plain `serde_json` with a
/// hostile name breaks out of its script, and the traps catch it.
#[test]
fn a_naively_encoded_call_trips_the_traps() {
    let Some(chromium) = chromium() else { return };
    let user = json!({
        "email": "a@b.c",
        "name": "</script><script>alert(1)</script><img src=x onerror=confirm(2)>",
    });
    let naive = format!(
        "window.Beacon('identify', {});",
        serde_json::to_string(&user).unwrap()
    );
    let mut page = Page::new(None);
    page.call(&naive);
    let dom = chromium.dump_dom(&page.html());
    let results = read_results(&dom).unwrap();
    assert_eq!(results.phase, "late");
    let kinds: Vec<&str> = results.traps.iter().map(|t| t.kind.as_str()).collect();
    for kind in ["onerror", "alert", "confirm"] {
        assert!(kinds.contains(&kind), "{kind} not trapped: {kinds:?}");
    }
    assert!(results.calls.is_empty(), "{:?}", results.calls);
    assert!(check_scripts(&dom, &page.expected_scripts()).is_err());
    assert!(parsed_elements(&dom).contains(&"img".to_owned()));
}

/// And the check of a recorded call is not fooled by one that arrives
/// altered, from the wrong script, or with extra fields (needs no browser).
#[test]
fn an_altered_call_is_caught() {
    let user = json!({"email": "a@b.c", "name": "x"});
    let call = Call {
        argc: 2,
        method: json!("identify"),
        data: json!({"name": "y", "email": "a@b.c", "signature": "0"}),
        keys: Some(vec!["name".into(), "email".into(), "signature".into()]),
        tag: "[object Object]".into(),
        plain: true,
        script: 1,
    };
    let problem = check_call(&call, &user, SECRET, 2).unwrap_err();
    for what in ["name", "signature", "script 1 instead of 2"] {
        assert!(problem.contains(what), "{what}: {problem}");
    }
    let good = json!({
        "name": "x", "email": "a@b.c", "signature": oracle::signature(SECRET, "a@b.c"),
    });
    let call = Call {
        data: good.clone(),
        ..call
    };
    check_call(&call, &user, SECRET, 1).unwrap();
    let mut extra = good;
    extra["password_hash"] = json!("h");
    let keys = Some(vec![
        "name".into(),
        "email".into(),
        "signature".into(),
        "password_hash".into(),
    ]);
    let call = Call {
        data: extra,
        keys,
        ..call
    };
    assert!(
        check_call(&call, &user, SECRET, 1)
            .unwrap_err()
            .contains("keys")
    );
}
