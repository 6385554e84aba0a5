//! The whole Beacon from `beacon_init`, run in headless Chromium under the
//! strict Content Security Policy the crate recommends, in every engine.
//!
//! No stub `window.Beacon` here: the loader that `beacon_init` emits must
//! define it. Each engine's page is served by a loopback HTTP server with
//! the policy as a real `Content-Security-Policy` header
//! (`csp::header_value`), as an app sends it: a `<meta>` policy is a
//! weaker stand-in (it applies only from where it is parsed on, and the
//! crate recommends the header). The page holds five frames, each a page
//! of its own under its own header, so one Chromium run per engine checks
//! them all:
//!
//! - `signed-in`: `beacon_init(user=…, nonce=…)`, then `beacon_session_data`
//!   and `beacon_prefill` carrying every hostile string of the test model
//!   as keys and values, as keyword argument and as input. After the load
//!   event `window.Beacon.readyQueue` must hold init (the ID), config (the
//!   registered object), identify (exactly the user's Beacon fields and the
//!   signature of the test model's HMAC), then every session-data and
//!   prefill call with exactly its input (session-data values as text).
//! - `signed-out` (`user` null): init and config, no identify.
//! - `logout` (`logout=true`): logout, then init and config.
//! - `no-nonce`, `wrong-nonce`: the same element without its nonce, and
//!   with another one: blocked, so `window.Beacon` stays undefined, and a
//!   `securitypolicyviolation` is recorded.
//!
//! In every frame no trap may fire (`alert`, `prompt`, `confirm`,
//! `onerror`, a failed resource load). The loader inserts Beacon's own
//! script from `https://beacon-v2.helpscout.net` after the load event;
//! Chromium resolves no names here, so it fails to load, which is expected
//! and recorded apart from the traps; the policy must let it be inserted
//! (no violation).
//!
//! Without Chromium each test prints a loud SKIPPED line and returns; under
//! `CI=true` it fails instead.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine as _;
use helpscout_beacon::csp::{self, Nonce};
use helpscout_beacon::{Beacon, Signer};
use helpscout_beacon_test_model::Json;
use helpscout_beacon_tests::beacon_page::{
    self, BEACON_SCRIPT_SRC, FrameResults, Loaded, OFFLINE, frame_html, js_equal, read_frames,
    top_html,
};
use helpscout_beacon_tests::browser::chromium;
use helpscout_beacon_tests::corpus::hostile_strings;
use helpscout_beacon_tests::page::{Violation, strip_script_element};
use helpscout_beacon_tests::server::{Response, Server};
use helpscout_beacon_tests::{ENGINES, Engine, Engines, oracle};
use serde_json::{Map, Value, json};

const ID: &str = "5e1c0b7a-3d2f-4e6a-9b8c-7d6e5f4a3b2c";
/// Non-ASCII: the test model must key its HMAC with the UTF-8 bytes.
const SECRET: &str = "beacon-browser-Secret-ключ-🔑";
/// A valid CSP nonce with `+`, `/` and `=`.
const NONCE: &str = "bEac0n+N0nce/x-_y==";
const WRONG_NONCE: &str = "wr0ng+N0nce/x-_y==";

/// Session data calls carry this many hostile entries each, and one more
/// (a number, a boolean, or a null that is left out): Beacon's limit of 20.
const HOSTILE_PER_CALL: usize = 19;
/// Prefill calls carry this many hostile strings each.
const STRINGS_PER_FORM: usize = 6;

fn config() -> Value {
    json!({
        "display": {"style": "iconAndText", "position": "left", "text": "Help </script>"},
        "color": "#2b3a4c",
        "docsEnabled": false,
        "labels": {"sendAMessage": "</script><!-- \u{2028} ${x} 'q' \"dq\" \\ `t` 表\\"},
        "messaging": {"chatEnabled": true, "contactForm": {"customFieldsEnabled": true}},
        "order": [1, 2.5, "x", null],
    })
}

fn beacon() -> Beacon {
    Beacon::new(ID, Signer::new(SECRET).unwrap())
        .unwrap()
        .config(&config())
        .unwrap()
}

/// A signed-in user: hostile fields, attributes JavaScript orders by index
/// first, and keys Beacon does not take (which must not arrive).
fn user() -> Value {
    json!({
        "email": "jane+</script>'\"\\@example.com",
        "name": "Jane </script><script>alert(1)</script> O'Doe",
        "company": "\u{2028}Acme `${alert(1)}` \u{2029}",
        "jobTitle": "\\\"CTO\\ 表\\",
        "avatar": "https://example.com/a.png?s=80&d=mp",
        "attributes": {"plan": "pro</script>", "seats": 12, "beta": true, "10": "ten", "2": 2.5},
        "password_hash": "$2b$12$do-not-send",
        "orders": [1, 2, 3],
    })
}

/// The frames of each engine's page: name, Tera/MiniJinja template,
/// Handlebars template, and the nonce in the template's context.
const FRAMES: [(&str, &str, &str, &str); 5] = [
    (
        "signed-in",
        "{{ beacon_init(user=user, nonce=nonce) }}\n\
         {% for d in data %}{{ beacon_session_data(data=d, nonce=nonce) }}\n{% endfor %}\
         {% for d in data_input %}{{ d | beacon_session_data(nonce=nonce) }}\n{% endfor %}\
         {% for f in forms %}{{ beacon_prefill(form=f, nonce=nonce) }}\n{% endfor %}\
         {% for f in forms_input %}{{ f | beacon_prefill(nonce=nonce) }}\n{% endfor %}",
        "{{beacon_init user=user nonce=nonce}}\n\
         {{#each data}}{{beacon_session_data data=this nonce=@root.nonce}}\n{{/each}}\
         {{#each data_input}}{{beacon_session_data this nonce=@root.nonce}}\n{{/each}}\
         {{#each forms}}{{beacon_prefill form=this nonce=@root.nonce}}\n{{/each}}\
         {{#each forms_input}}{{beacon_prefill this nonce=@root.nonce}}\n{{/each}}",
        NONCE,
    ),
    (
        "signed-out",
        "{{ beacon_init(user=nobody, nonce=nonce) }}",
        "{{beacon_init user=nobody nonce=nonce}}",
        NONCE,
    ),
    (
        "logout",
        "{{ beacon_init(logout=true, user=nobody, nonce=nonce) }}",
        "{{beacon_init logout=true user=nobody nonce=nonce}}",
        NONCE,
    ),
    (
        "no-nonce",
        "<script>{{ beacon_init(user=user) }}</script>",
        "<script>{{beacon_init user=user}}</script>",
        NONCE,
    ),
    (
        "wrong-nonce",
        "{{ beacon_init(user=user, nonce=nonce) }}",
        "{{beacon_init user=user nonce=nonce}}",
        WRONG_NONCE,
    ),
];

/// Session data: every hostile string once as a key and once as a value,
/// [`HOSTILE_PER_CALL`] to a call, each call with one number, boolean or
/// null besides; the input and the options Beacon must get (values as
/// text, the null left out).
fn session_data() -> Vec<(Value, Value)> {
    let strings = hostile_strings();
    let n = strings.len();
    let scalars: [(Value, Option<&str>); 8] = [
        (json!(12), Some("12")),
        (json!(-7), Some("-7")),
        (json!(1.5), Some("1.5")),
        (json!(0), Some("0")),
        (json!(true), Some("true")),
        (json!(false), Some("false")),
        (json!(9_007_199_254_740_993_u64), Some("9007199254740993")),
        (Value::Null, None),
    ];
    let indices: Vec<usize> = (0..n).collect();
    indices
        .chunks(HOSTILE_PER_CALL)
        .enumerate()
        .map(|(c, chunk)| {
            let (mut input, mut expected) = (Map::new(), Map::new());
            for &i in chunk {
                let (key, value) = (&strings[i], &strings[(i + n / 2) % n]);
                input.insert(key.clone(), json!(value));
                expected.insert(key.clone(), json!(value));
            }
            let (scalar, text) = &scalars[c % scalars.len()];
            let key = format!("scalar-{c}");
            input.insert(key.clone(), scalar.clone());
            if let Some(text) = text {
                expected.insert(key, json!(text));
            }
            (Value::Object(input), Value::Object(expected))
        })
        .collect()
}

/// Prefilled forms: every hostile string once, [`STRINGS_PER_FORM`] to a
/// form, as name, email, subject, text and custom field values (some forms
/// without an email, some with a numeric field value).
fn forms() -> Vec<Value> {
    let strings = hostile_strings();
    let n = strings.len();
    (0..n.div_ceil(STRINGS_PER_FORM))
        .map(|c| {
            let s = |k: usize| json!(strings[(c * STRINGS_PER_FORM + k) % n]);
            let mut form = json!({
                "name": s(0),
                "email": s(1),
                "subject": s(2),
                "text": s(3),
                "fields": [{"id": c, "value": s(4)}, {"id": 1000 + c, "value": s(5)}],
            });
            match c % 3 {
                1 => form["fields"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"id": 7, "value": 42})),
                2 => {
                    let email = form.as_object_mut().unwrap().remove("email").unwrap();
                    form["fields"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"id": 8, "value": email}));
                }
                _ => {}
            }
            form
        })
        .collect()
}

/// The template context: the user, a null user, the nonce, and the session
/// data and forms, each half as keyword argument and half as input.
fn context(nonce: &str) -> Value {
    let data: Vec<Value> = session_data().into_iter().map(|(input, _)| input).collect();
    let forms = forms();
    let (data, data_input) = data.split_at(data.len() / 2);
    let (forms, forms_input) = forms.split_at(forms.len() / 2);
    json!({
        "user": user(),
        "nobody": null,
        "nonce": nonce,
        "data": data,
        "data_input": data_input,
        "forms": forms,
        "forms_input": forms_input,
    })
}

/// One entry the loader's queue must hold.
#[derive(Debug)]
enum Expected {
    /// Exactly this `{method, options}` entry.
    Entry(Value),
    /// The identify call for this user.
    Identify(Value),
}

fn entry(method: &str, options: Option<Value>) -> Expected {
    let mut entry = json!({"method": method});
    if let Some(options) = options {
        entry["options"] = options;
    }
    Expected::Entry(entry)
}

/// What each frame's queue must hold; `None` for a frame whose loader must
/// be blocked.
fn expected_queue(frame: &str) -> Option<Vec<Expected>> {
    let init = || entry("init", Some(json!(ID)));
    let config = || entry("config", Some(config()));
    match frame {
        "signed-in" => {
            let mut queue = vec![init(), config(), Expected::Identify(user())];
            // The keyword half, then the input half: all in page order.
            for (_, options) in session_data() {
                queue.push(entry("session-data", Some(options)));
            }
            for form in forms() {
                queue.push(entry("prefill", Some(form)));
            }
            Some(queue)
        }
        "signed-out" => Some(vec![init(), config()]),
        "logout" => Some(vec![entry("logout", None), init(), config()]),
        "no-nonce" | "wrong-nonce" => None,
        other => panic!("no frame {other}"),
    }
}

/// What the test found, shared by the tests below: one Chromium run per
/// engine.
struct Run {
    /// Each engine's frames' results, by frame name.
    frames: Vec<(Engine, BTreeMap<String, FrameResults>)>,
    /// Each engine's rendered frame bodies, by frame name.
    bodies: Vec<(Engine, HashMap<&'static str, String>)>,
}

/// Renders every frame in every engine, serves them, and runs one Chromium
/// per engine; once for all the tests.
fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let chromium = chromium().expect("checked by the caller");
        let mut engines = Engines::with_beacons(beacon());
        for (frame, jinja, handlebars, _) in FRAMES {
            engines.add_raw(&format!("{frame}.html"), jinja, handlebars);
        }
        let header = csp::header_value(&Nonce::new(NONCE).unwrap());
        let mut pages = HashMap::new();
        let mut bodies = Vec::new();
        let mut tops = Vec::new();
        for engine in ENGINES {
            let mut rendered = HashMap::new();
            let mut frames = Vec::new();
            for (frame, _, _, nonce) in FRAMES {
                let body = engines
                    .render_one(engine, &format!("{frame}.html"), &context(nonce))
                    .unwrap_or_else(|e| panic!("{engine} {frame}: {e}"));
                let path = format!("/{engine}/{frame}.html");
                let page = Response {
                    body: frame_html(NONCE, &body),
                    csp: Some(header.clone()),
                };
                pages.insert(path.clone(), page);
                frames.push((frame, path));
                rendered.insert(frame, body);
            }
            let top = format!("/{engine}/top.html");
            let page = Response {
                body: top_html(NONCE, &frames),
                csp: Some(header.clone()),
            };
            pages.insert(top.clone(), page);
            tops.push(top);
            bodies.push((engine, rendered));
        }
        let size: usize = pages.values().map(|p| p.body.len()).sum();
        let paths: Vec<String> = pages.keys().cloned().collect();
        let server = Server::start(pages, Duration::from_secs(300));
        let urls: Vec<String> = tops.iter().map(|top| server.url(top)).collect();
        let started = Instant::now();
        let doms = chromium.dump_urls(&urls, &OFFLINE);
        let elapsed = started.elapsed();
        let served = server.finish();
        // Every page was fetched exactly once, from this server.
        for path in &paths {
            let times = served
                .iter()
                .filter(|s| s.path == *path && s.status == 200)
                .count();
            assert_eq!(times, 1, "{path} served {times} times: {served:?}");
        }
        let frames = ENGINES
            .iter()
            .zip(&doms)
            .map(|(engine, dom)| {
                let frames = read_frames(dom).unwrap_or_else(|e| panic!("{engine}: {e}"));
                (*engine, frames)
            })
            .collect();
        eprintln!(
            "{} engines x {} frames ({} KiB of HTML) in {} Chromium runs: {elapsed:.1?}",
            ENGINES.len(),
            FRAMES.len(),
            size / 1024,
            urls.len()
        );
        Run { frames, bodies }
    })
}

/// The problems of one queue entry against what was expected.
fn check_entry(found: &Json, expected: &Expected) -> Vec<String> {
    match expected {
        Expected::Entry(value) => {
            let found = found.to_value();
            if js_equal(&found, value) {
                Vec::new()
            } else {
                vec![difference(&found, value)]
            }
        }
        Expected::Identify(user) => check_identify(found, user),
    }
}

/// How an entry differs from the expected one: the method, the keys, and
/// for options objects the first options that differ (escaped, since they
/// are hostile).
fn difference(found: &Value, expected: &Value) -> String {
    let keys = |v: &Value| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
    if found["method"] != expected["method"] || keys(found) != keys(expected) {
        return format!(
            "method {} with keys {:?}, expected method {} with keys {:?}",
            found["method"],
            keys(found),
            expected["method"],
            keys(expected)
        );
    }
    let method = &expected["method"];
    let (Some(found), Some(expected)) = (
        found["options"].as_object(),
        expected["options"].as_object(),
    ) else {
        return format!(
            "{method}: options {}, expected {}",
            found["options"], expected["options"]
        );
    };
    let mut keys: Vec<&String> = found.keys().chain(expected.keys()).collect();
    keys.sort();
    keys.dedup();
    let differing: Vec<String> = keys
        .into_iter()
        .filter(|k| match (found.get(*k), expected.get(*k)) {
            (Some(a), Some(b)) => !js_equal(a, b),
            _ => true,
        })
        .map(|k| format!("{k:?}: {:?}, expected {:?}", found.get(k), expected.get(k)))
        .collect();
    format!(
        "{method}: {} options differ, first {}",
        differing.len(),
        differing[..differing.len().min(3)].join("; ")
    )
}

/// The identify entry: exactly the user's Beacon fields in JavaScript's
/// order, and the signature of the test model's HMAC.
fn check_identify(found: &Json, user: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if beacon_page::keys(found) != Some(vec!["method".into(), "options".into()]) {
        problems.push(format!(
            "identify entry keys {:?}",
            beacon_page::keys(found)
        ));
    }
    if beacon_page::get(found, "method").and_then(Json::as_str) != Some("identify") {
        problems.push(format!("method {:?}", beacon_page::get(found, "method")));
    }
    let Some(options) = beacon_page::get(found, "options") else {
        problems.push("identify without options".into());
        return problems;
    };
    let expected = oracle::expected_object(user, SECRET);
    let order = oracle::js_key_order(expected.iter().map(|(k, _)| k.as_str()));
    if beacon_page::keys(options).as_ref() != Some(&order) {
        problems.push(format!(
            "identify keys {:?}, expected {order:?}",
            beacon_page::keys(options)
        ));
    }
    let options = options.to_value();
    for (key, value) in &expected {
        match options.get(key) {
            Some(found) if js_equal(found, value) => {}
            found => problems.push(format!("identify {key}: {found:?}, expected {value:?}")),
        }
    }
    let email = user["email"].as_str().unwrap();
    let signature = oracle::signature(SECRET, email);
    if options["signature"] != json!(signature) {
        problems.push(format!(
            "signature {}, the test model's HMAC says {signature}",
            options["signature"]
        ));
    }
    problems
}

/// The problems of one frame: no trap, and then either the loader ran and
/// queued `expected`, or it was blocked by the policy.
fn check_frame(results: &FrameResults, expected: Option<&[Expected]>) -> Vec<String> {
    let mut problems = Vec::new();
    if results.phase != "late" {
        problems.push(format!("the load event never came ({})", results.phase));
    }
    if !results.traps.is_empty() {
        problems.push(format!("traps fired: {:?}", results.traps));
    }
    match expected {
        Some(expected) => {
            if results.beacon != "function" {
                problems.push(format!("window.Beacon is {}", results.beacon));
            }
            if !results.violations.is_empty() {
                problems.push(format!("violations: {:?}", results.violations));
            }
            // The loader ran to its end: it inserted Beacon's own script
            // after the load event, which cannot load here.
            let beacon_script = Loaded {
                src: BEACON_SCRIPT_SRC.into(),
                is_async: true,
            };
            if results.loaded != [beacon_script] {
                problems.push(format!("scripts loaded: {:?}", results.loaded));
            }
            if results.beacon_script != ["error"] {
                problems.push(format!("Beacon's script: {:?}", results.beacon_script));
            }
            let queue = results.queue.as_deref().unwrap_or_default();
            if queue.len() != expected.len() {
                problems.push(format!(
                    "{} entries queued, {} expected",
                    queue.len(),
                    expected.len()
                ));
            }
            for (i, (found, expected)) in queue.iter().zip(expected).enumerate() {
                problems.extend(
                    check_entry(found, expected)
                        .into_iter()
                        .map(|p| format!("queue[{i}]: {p}")),
                );
            }
        }
        None => {
            if results.beacon != "undefined" || results.queue.is_some() {
                problems.push(format!(
                    "window.Beacon is {} with queue {:?}",
                    results.beacon, results.queue
                ));
            }
            if !results.loaded.is_empty() || !results.beacon_script.is_empty() {
                problems.push(format!("scripts loaded: {:?}", results.loaded));
            }
            let violations: Vec<Violation> = results
                .violations
                .iter()
                .map(|v| Violation {
                    line: 0,
                    ..v.clone()
                })
                .collect();
            let inline = Violation {
                directive: "script-src-elem".into(),
                blocked: "inline".into(),
                line: 0,
            };
            if violations != [inline] {
                problems.push(format!("violations: {:?}", results.violations));
            }
        }
    }
    problems
}

/// Checks `frames` of every engine's run; panics listing every problem.
fn check_frames(frames: &[&str]) {
    let run = run();
    let mut problems = Vec::new();
    let mut entries = 0;
    for (engine, results) in &run.frames {
        for frame in frames {
            let Some(found) = results.get(*frame) else {
                problems.push(format!("{engine} {frame}: no results"));
                continue;
            };
            let expected = expected_queue(frame);
            entries += expected.as_ref().map_or(0, Vec::len);
            for problem in check_frame(found, expected.as_deref()) {
                problems.push(format!("{engine} {frame}: {problem}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems; the first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
    eprintln!(
        "{frames:?}: {} frames in {} engines, {entries} queue entries checked in Chromium",
        frames.len() * run.frames.len(),
        run.frames.len()
    );
}

/// Init, config and the signed identify call reach the loader's queue, in
/// order, under the strict policy; and so do all the session data and
/// prefill calls after them (see the next test for what they carry).
#[test]
fn beacon_init_queues_init_config_and_identify_under_the_strict_csp() {
    let Some(_) = chromium() else { return };
    check_frames(&["signed-in"]);
    // The identify entry, spelled out for one engine, so that a wrong
    // model shows.
    let (_, frames) = &run().frames[0];
    let queue = frames["signed-in"].queue.as_ref().unwrap();
    let identify = queue[2].to_value();
    let signature = identify["options"]["signature"].as_str().unwrap();
    let email = user()["email"].as_str().unwrap().to_owned();
    assert!(Signer::new(SECRET).unwrap().verify(&email, signature));
    assert_eq!(identify["options"]["email"], json!(email));
    assert_eq!(identify["options"].get("password_hash"), None);
    assert_eq!(identify["options"].get("orders"), None);
}

/// Every hostile string, as a session-data key and value and as each
/// prefilled field, arrives intact in the loader's queue in every engine
/// (the whole signed-in queue is compared entry by entry).
#[test]
fn hostile_session_data_and_prefill_reach_the_loaders_queue_intact() {
    let Some(_) = chromium() else { return };
    let strings = hostile_strings().len();
    let calls = session_data().len() + forms().len();
    assert!(
        strings >= 500 && calls >= 100,
        "{strings} strings, {calls} calls"
    );
    check_frames(&["signed-in"]);
    for (engine, frames) in &run().frames {
        let queue = frames["signed-in"].queue.as_ref().unwrap();
        let methods: Vec<String> = queue
            .iter()
            .map(|e| e.to_value()["method"].as_str().unwrap_or("").to_owned())
            .collect();
        let data = methods.iter().filter(|m| *m == "session-data").count();
        let prefill = methods.iter().filter(|m| *m == "prefill").count();
        assert_eq!(
            (data, prefill),
            (session_data().len(), forms().len()),
            "{engine}"
        );
    }
}

/// A signed-out page queues init and config and no identify; `logout=true`
/// queues logout before init.
#[test]
fn signed_out_and_logout_pages_queue_no_identify() {
    let Some(_) = chromium() else { return };
    check_frames(&["signed-out", "logout"]);
}

/// The same `beacon_init` element without its nonce, or with another one,
/// is blocked by the strict policy: `window.Beacon` never forms, and the
/// violation is recorded.
#[test]
fn beacon_init_without_its_nonce_is_blocked() {
    let Some(_) = chromium() else { return };
    check_frames(&["no-nonce", "wrong-nonce"]);
    // What was blocked is the very element that runs with its nonce.
    for (engine, bodies) in &run().bodies {
        let signed_in = &bodies["signed-in"];
        let element = signed_in.lines().next().unwrap();
        let text =
            strip_script_element(element, NONCE).unwrap_or_else(|| panic!("{engine}: {element}"));
        assert!(text.starts_with("!function(e,t,n){"), "{engine}");
        assert_eq!(
            bodies["no-nonce"],
            format!("<script>{text}</script>"),
            "{engine}"
        );
        assert_eq!(
            bodies["wrong-nonce"],
            format!(r#"<script nonce="{WRONG_NONCE}">{text}</script>"#),
            "{engine}"
        );
    }
}

/// The checks have teeth (no browser needed): an altered, missing or
/// extra entry, a wrong signature, a trap, or a loader that was not
/// blocked each make a problem.
#[test]
fn altered_queues_are_caught() {
    let queue = |entries: Value| {
        let text = json!({
            "phase": "late",
            "beacon": "function",
            "queue": entries,
            "traps": [],
            "violations": [],
            "beaconScript": ["error"],
            "loaded": [{"src": BEACON_SCRIPT_SRC, "async": true}],
        });
        let bytes = serde_json::to_vec(&text).unwrap();
        beacon_page::read_frame(&base64::engine::general_purpose::STANDARD.encode(bytes)).unwrap()
    };
    let expected = expected_queue("signed-out").unwrap();
    let good = json!([
        {"method": "init", "options": ID},
        {"method": "config", "options": config()},
    ]);
    assert_eq!(
        check_frame(&queue(good.clone()), Some(&expected)),
        Vec::<String>::new()
    );
    let mut altered = good.clone();
    altered[1]["options"]["labels"]["sendAMessage"] = json!("</script>");
    assert_eq!(check_frame(&queue(altered), Some(&expected)).len(), 1);
    let mut extra = good.clone();
    extra[0]["data"] = json!("x");
    assert_eq!(check_frame(&queue(extra), Some(&expected)).len(), 1);
    let reversed = json!([good[1], good[0]]);
    assert_eq!(check_frame(&queue(reversed), Some(&expected)).len(), 2);
    let mut longer = good.clone();
    longer
        .as_array_mut()
        .unwrap()
        .push(json!({"method": "identify"}));
    assert_eq!(check_frame(&queue(longer), Some(&expected)).len(), 1);
    // A signature by another key.
    let mut options = Map::new();
    for (key, value) in oracle::expected_object(&user(), "another key") {
        options.insert(key, value);
    }
    let identify = Json::from_value(&json!({"method": "identify", "options": options}));
    let problems = check_identify(&identify, &user());
    assert!(
        problems.iter().any(|p| p.contains("signature")),
        "{problems:?}"
    );
    // A trap, and a frame that should have been blocked.
    let mut trapped = queue(good.clone());
    trapped.traps = serde_json::from_value(json!([{"kind": "alert", "detail": "1"}])).unwrap();
    assert_eq!(check_frame(&trapped, Some(&expected)).len(), 1);
    let ran = check_frame(&queue(good), None);
    assert_eq!(ran.len(), 3, "{ran:?}");
}
