//! Pages where Help Scout's own loader, emitted by `beacon_init`, defines
//! `window.Beacon` (no recorder stub), and what a browser found in them.
//!
//! A frame page has a first `<script nonce>` with the traps (`alert`,
//! `prompt`, `confirm`, `window.onerror`, failed resource loads other than
//! Beacon's own script, Content Security Policy violations), the rendered
//! calls, and a last `<script nonce>` that writes `typeof window.Beacon`,
//! `window.Beacon.readyQueue`, the traps and the scripts loaded from a URL
//! as base64 of the UTF-8 JSON into `<pre id="results">` after the load
//! event. A top page holds several frame pages in `<iframe>`s (all from the
//! same loopback origin, so each under its own response header), and copies
//! their `<pre id="results">` into its own `<pre id="frames">`, so that one
//! Chromium run checks them all.

use std::collections::BTreeMap;

use base64::Engine as _;
use scraper::{Html, Selector};
use serde::Deserialize;
use serde_json::Value;

use helpscout_beacon_test_model::Json;

use crate::page::{Trap, Violation};

/// Where the loader inserts Beacon's own script from, as the `src`
/// property reads it.
pub const BEACON_SCRIPT_SRC: &str = "https://beacon-v2.helpscout.net/";

/// Chromium flags for these pages: no name resolves (so Beacon's own
/// script can never load and take the queue over), loopback excepted, and
/// no proxy.
pub const OFFLINE: [&str; 2] = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-proxy-server",
];

/// The first script of a frame page: the traps, and no `window.Beacon`.
/// Beacon's own script failing to load is recorded apart from the traps:
/// it cannot load here, and that is expected.
pub const TRAPS_JS: &str = r#"(function () {
  var traps = [], violations = [], beaconScript = [];
  function trap(kind) {
    return function () {
      traps.push({kind: kind, detail: Array.prototype.map.call(arguments, String).join(" | ")});
    };
  }
  window.alert = trap("alert");
  window.prompt = trap("prompt");
  window.confirm = trap("confirm");
  window.onerror = function (message, source, line, column) {
    traps.push({kind: "onerror", detail: [message, source, line, column].join(" | ")});
  };
  function isBeaconScript(target) {
    return !!target && target.tagName === "SCRIPT" && target.src.indexOf("https://beacon-v2.helpscout.net") === 0;
  }
  window.addEventListener("error", function (event) {
    if (event.target === window) {
      return;
    }
    if (isBeaconScript(event.target)) {
      beaconScript.push("error");
      return;
    }
    traps.push({kind: "resource-error", detail: String(event.target && event.target.outerHTML).slice(0, 300)});
  }, true);
  window.addEventListener("load", function (event) {
    if (isBeaconScript(event.target)) {
      beaconScript.push("load");
    }
  }, true);
  document.addEventListener("securitypolicyviolation", function (event) {
    violations.push({directive: event.violatedDirective, blocked: event.blockedURI, line: event.lineNumber});
  });
  window.__beaconTraps = {traps: traps, violations: violations, beaconScript: beaconScript};
})();"#;

/// The last script of a frame page: the loader's queue and the traps, as
/// base64 of the UTF-8 JSON, into `<pre id="results" data-phase>`: once at
/// once, and again after the load event (when the loader inserts Beacon's
/// script) once that script's load has failed or succeeded.
pub const QUEUE_JS: &str = r#"(function () {
  var t = window.__beaconTraps;
  function write(phase) {
    var beacon = window.Beacon;
    var loaded = Array.prototype.filter.call(document.scripts, function (s) { return s.src !== ""; })
      .map(function (s) { return {src: s.src, async: s.async}; });
    var json = JSON.stringify({
      phase: phase,
      beacon: typeof beacon,
      queue: beacon && beacon.readyQueue !== undefined ? beacon.readyQueue : null,
      traps: t.traps,
      violations: t.violations,
      beaconScript: t.beaconScript,
      loaded: loaded
    });
    var bytes = new TextEncoder().encode(json), binary = "";
    for (var i = 0; i < bytes.length; i += 4096) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096));
    }
    var pre = document.getElementById("results");
    if (!pre) {
      pre = document.createElement("pre");
      pre.id = "results";
      document.body.appendChild(pre);
    }
    pre.textContent = btoa(binary);
    pre.setAttribute("data-phase", phase);
  }
  // Late: 200 ms after the load event, once Beacon's script, when the
  // loader inserted one, has failed or loaded (its outcome comes from the
  // network, on no timer), or after 5 s more.
  function settled() {
    var inserted = Array.prototype.some.call(document.scripts, function (s) { return s.src !== ""; });
    return !inserted || t.beaconScript.length > 0;
  }
  var tries = 0;
  function late() {
    if (!settled() && ++tries < 100) {
      setTimeout(late, 50);
      return;
    }
    write("late");
  }
  write("early");
  window.addEventListener("load", function () {
    setTimeout(late, 200);
  });
})();"#;

/// The top page's script: once every frame has written its late results
/// (or after 7.5 s, within Chromium's 10 s of virtual time), copies them
/// into `<pre id="frames">`.
pub const COLLECT_JS: &str = r#"(function () {
  var frames = document.getElementsByTagName("iframe"), tries = 0;
  function collect() {
    var out = {}, done = true;
    for (var i = 0; i < frames.length; i++) {
      var pre = null;
      try {
        pre = frames[i].contentDocument.getElementById("results");
      } catch (e) {
        pre = null;
      }
      if (!pre || pre.getAttribute("data-phase") !== "late") {
        done = false;
      }
      out[frames[i].name] = pre ? pre.textContent : null;
    }
    if (!done && ++tries < 150) {
      setTimeout(collect, 50);
      return;
    }
    var pre = document.createElement("pre");
    pre.id = "frames";
    pre.textContent = JSON.stringify({done: done, frames: out});
    document.body.appendChild(pre);
  }
  window.addEventListener("load", collect);
})();"#;

/// A frame page: the traps, `body` (the rendered calls), the queue dump;
/// the frame's own scripts carry `nonce`.
pub fn frame_html(nonce: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>beacon</title>\
         <script nonce=\"{nonce}\">{TRAPS_JS}</script></head><body>\n{body}\n\
         <script nonce=\"{nonce}\">{QUEUE_JS}</script>\n</body></html>\n"
    )
}

/// A top page holding `frames` (name, path) in `<iframe>`s and collecting
/// their results; its script carries `nonce`.
pub fn top_html(nonce: &str, frames: &[(&str, String)]) -> String {
    let iframes: String = frames
        .iter()
        .map(|(name, path)| format!("<iframe name=\"{name}\" src=\"{path}\"></iframe>\n"))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>frames</title></head><body>\n\
         {iframes}<script nonce=\"{nonce}\">{COLLECT_JS}</script>\n</body></html>\n"
    )
}

/// A script loaded from a URL, as a frame found it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Loaded {
    /// Its `src` property.
    pub src: String,
    /// Its `async` property.
    #[serde(rename = "async")]
    pub is_async: bool,
}

/// What a frame page recorded.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameResults {
    /// `early` or `late` (after the load event).
    pub phase: String,
    /// `typeof window.Beacon`.
    pub beacon: String,
    /// `window.Beacon.readyQueue`, in order, each entry's keys in
    /// JavaScript's order; `None` when there was none.
    #[serde(skip)]
    pub queue: Option<Vec<Json>>,
    /// Every trap hit.
    pub traps: Vec<Trap>,
    /// Every Content Security Policy violation.
    pub violations: Vec<Violation>,
    /// `load` or `error` of Beacon's own script, as they came.
    pub beacon_script: Vec<String>,
    /// The scripts with a `src`, in document order.
    pub loaded: Vec<Loaded>,
}

/// Reads one frame's `<pre id="results">` text.
///
/// # Errors
/// When it does not decode.
pub fn read_frame(base64_text: &str) -> Result<FrameResults, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_text.trim())
        .map_err(|e| format!("results are not base64: {e}"))?;
    let mut results: FrameResults = serde_json::from_slice(&bytes)
        .map_err(|e| format!("results are not the expected JSON: {e}"))?;
    // Again in the order-keeping reader, for the queue's key order.
    let Some(Json::Object(entries)) = Json::parse(&bytes) else {
        return Err("results are no JSON object".into());
    };
    results.queue = match entries.into_iter().find(|(k, _)| k == "queue") {
        Some((_, Json::Array(items))) => Some(items),
        Some((_, Json::Null)) => None,
        other => return Err(format!("the queue is no list: {other:?}")),
    };
    Ok(results)
}

/// Reads every frame's results out of a top page's dumped DOM, by frame
/// name.
///
/// # Errors
/// When there is no `<pre id="frames">`, not every frame finished, or one
/// does not decode.
pub fn read_frames(dom: &str) -> Result<BTreeMap<String, FrameResults>, String> {
    let document = Html::parse_document(dom);
    let selector = Selector::parse("pre#frames").expect("selector");
    let pre = document
        .select(&selector)
        .next()
        .ok_or("no <pre id=\"frames\"> in the dumped DOM: the top page's script did not run")?;
    let text: String = pre.text().collect();
    let all: Value =
        serde_json::from_str(&text).map_err(|e| format!("frames are no JSON: {e}: {text}"))?;
    let frames = all["frames"].as_object().ok_or("no frames")?;
    let mut out = BTreeMap::new();
    for (name, value) in frames {
        let text = value
            .as_str()
            .ok_or_else(|| format!("frame {name} wrote no results"))?;
        let results = read_frame(text).map_err(|e| format!("frame {name}: {e}"))?;
        out.insert(name.clone(), results);
    }
    if all["done"] != Value::Bool(true) {
        let phases: Vec<(&String, &String)> = out.iter().map(|(k, r)| (k, &r.phase)).collect();
        return Err(format!("not every frame finished: {phases:?}"));
    }
    Ok(out)
}

/// JSON values equal as JavaScript sees them: numbers by their double
/// value, objects by their entries in any order, the rest exactly.
pub fn js_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| js_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| js_equal(v, w)))
        }
        _ => a == b,
    }
}

/// The keys of a JSON object in document order, or `None` for a non-object.
pub fn keys(json: &Json) -> Option<Vec<String>> {
    match json {
        Json::Object(entries) => Some(entries.iter().map(|(k, _)| k.clone()).collect()),
        _ => None,
    }
}

/// The value under `key` of a JSON object.
pub fn get<'a>(json: &'a Json, key: &str) -> Option<&'a Json> {
    match json {
        Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}
