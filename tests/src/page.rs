//! HTML pages of rendered identify calls, what an HTML5 parser finds in
//! them, and what the page's recorder saw when a browser ran them.
//!
//! Every page has the same frame: a first `<script>` that installs a stub
//! `window.Beacon` recording its arguments and traps on `alert`, `prompt`,
//! `confirm`, `window.onerror`, failed resource loads and Content Security
//! Policy violations; then the rendered calls, each in its own `<script>`
//! element; and a last `<script>` that writes what was recorded as
//! base64-encoded JSON into `<pre id="results">`, once at once and again
//! after the load event.

use base64::Engine as _;
use scraper::{Html, Selector};
use serde::Deserialize;
use serde_json::Value;

use crate::{Engine, Engines, Form, context, oracle};

/// The first script: the stub `window.Beacon` and the traps.
pub const RECORDER_JS: &str = r#"(function () {
  var calls = [], traps = [], violations = [];
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
  window.addEventListener("error", function (event) {
    if (event.target !== window) {
      traps.push({kind: "resource-error", detail: String(event.target && event.target.outerHTML).slice(0, 300)});
    }
  }, true);
  document.addEventListener("securitypolicyviolation", function (event) {
    violations.push({directive: event.violatedDirective, blocked: event.blockedURI, line: event.lineNumber});
  });
  function beacon(method, data) {
    var isObject = data !== null && typeof data === "object";
    calls.push({
      argc: arguments.length,
      method: method,
      data: data,
      keys: isObject ? Object.keys(data) : null,
      tag: Object.prototype.toString.call(data),
      plain: isObject && Object.getPrototypeOf(data) === Object.prototype,
      script: Array.prototype.indexOf.call(document.scripts, document.currentScript)
    });
  }
  window.Beacon = beacon;
  window.__beaconTest = {calls: calls, traps: traps, violations: violations, beacon: beacon};
})();"#;

/// The last script: writes the recording into `<pre id="results">`.
pub const RESULTS_JS: &str = r#"(function () {
  var t = window.__beaconTest;
  function write(phase) {
    var json = JSON.stringify({
      phase: phase,
      calls: t.calls,
      traps: t.traps,
      violations: t.violations,
      beaconIntact: window.Beacon === t.beacon,
      scripts: document.scripts.length
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
  }
  write("early");
  window.addEventListener("load", function () {
    setTimeout(function () { write("late"); }, 200);
  });
})();"#;

/// A page under construction, and the exact text of each of its
/// `<script>` elements in document order.
#[derive(Debug, Clone)]
pub struct Page {
    /// Attribute text for the frame's own scripts: `""` or ` nonce="…"`.
    nonce_attribute: String,
    head: String,
    body: String,
    /// The text of every `<script>` element, in document order.
    pub scripts: Vec<String>,
}

impl Page {
    /// An empty UTF-8 page; with `csp_nonce`, a `<meta>` Content Security
    /// Policy `script-src 'nonce-…'` and the recorder carrying that nonce.
    pub fn new(csp_nonce: Option<&str>) -> Self {
        Page::with_charset("utf-8", csp_nonce)
    }

    /// [`Page::new`] declaring `<meta charset="{charset}">` as its first
    /// element. The page's bytes stay UTF-8 (what a Rust app writes): a
    /// browser decodes them as `charset` says.
    pub fn with_charset(charset: &str, csp_nonce: Option<&str>) -> Self {
        let mut page = Page {
            nonce_attribute: csp_nonce.map_or_else(String::new, |n| format!(r#" nonce="{n}""#)),
            head: format!(r#"<meta charset="{charset}"><title>beacon</title>"#),
            body: String::new(),
            scripts: Vec::new(),
        };
        if let Some(nonce) = csp_nonce {
            page.head.push_str(&format!(
                r#"<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-{nonce}'">"#
            ));
        }
        page.head
            .push_str(&format!("<script{}>", page.nonce_attribute));
        page.head.push_str(RECORDER_JS);
        page.head.push_str("</script>");
        page.scripts.push(RECORDER_JS.to_owned());
        page
    }

    /// Adds a rendered call inside a plain `<script>` element.
    pub fn call(&mut self, rendered: &str) -> &mut Self {
        self.body.push_str("<script>");
        self.body.push_str(rendered);
        self.body.push_str("</script>\n");
        self.scripts.push(rendered.to_owned());
        self
    }

    /// Adds a whole `<script nonce="…">…</script>` element as an engine
    /// rendered it, after checking that it is exactly that.
    ///
    /// # Panics
    /// When `element` is not `<script nonce="{nonce}">` + text + `</script>`.
    pub fn element(&mut self, element: &str, nonce: &str) -> &mut Self {
        let text = strip_script_element(element, nonce)
            .unwrap_or_else(|| panic!("not a <script nonce={nonce:?}> element: {element:?}"));
        self.body.push_str(element);
        self.body.push('\n');
        self.scripts.push(text.to_owned());
        self
    }

    /// Adds raw HTML that holds no `<script>` element (for controls).
    pub fn raw_html(&mut self, html: &str) -> &mut Self {
        self.body.push_str(html);
        self
    }

    /// The finished page, with the results script last.
    pub fn html(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html><head>{}</head><body>\n{}<script{}>{}</script>\n</body></html>\n",
            self.head, self.body, self.nonce_attribute, RESULTS_JS
        )
    }

    /// The text of every `<script>` element of [`Page::html`], in order.
    pub fn expected_scripts(&self) -> Vec<String> {
        let mut scripts = self.scripts.clone();
        scripts.push(RESULTS_JS.to_owned());
        scripts
    }
}

/// The text inside `<script nonce="{nonce}">…</script>`, or `None` when
/// `element` is not exactly that.
pub fn strip_script_element<'a>(element: &'a str, nonce: &str) -> Option<&'a str> {
    element
        .strip_prefix(&format!(r#"<script nonce="{nonce}">"#))?
        .strip_suffix("</script>")
}

/// How the identify call of user number `i` is written on a corpus page:
/// the three template forms in turn.
pub fn form_for(i: usize) -> Form {
    [Form::User, Form::EmailWithArguments, Form::UserWithNonce][i % 3]
}

/// One engine's page holding every user's identify call, each in its own
/// `<script>` element (the nonce form emits its own), in [`form_for`]'s
/// forms. No Content Security Policy: the nonces are inert here.
///
/// # Panics
/// When the engine refuses a user.
pub fn corpus_page(engines: &mut Engines, engine: Engine, users: &[Value], nonce: &str) -> Page {
    corpus_page_in("utf-8", engines, engine, users, nonce)
}

/// [`corpus_page`] declaring `<meta charset="{charset}">` (its bytes are
/// UTF-8 all the same).
///
/// # Panics
/// When the engine refuses a user.
pub fn corpus_page_in(
    charset: &str,
    engines: &mut Engines,
    engine: Engine,
    users: &[Value],
    nonce: &str,
) -> Page {
    let mut page = Page::with_charset(charset, None);
    for (i, user) in users.iter().enumerate() {
        let form = form_for(i);
        let name = engines.template_for(form, user);
        let rendered = engines
            .render_one(engine, &name, &context(user, nonce))
            .unwrap_or_else(|e| panic!("engine {engine} refused user {i} ({form:?}): {e}"));
        match form {
            Form::UserWithNonce => page.element(&rendered, nonce),
            Form::User | Form::EmailWithArguments => page.call(&rendered),
        };
    }
    page
}

/// The text of every `<script>` element an HTML5 parser (html5ever, as a
/// browser parses) finds in `html`, in document order.
pub fn parsed_scripts(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse("script").expect("selector");
    document
        .select(&selector)
        .map(|script| script.text().collect())
        .collect()
}

/// The names of every element in `html`'s parsed document, in order.
pub fn parsed_elements(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse("*").expect("selector");
    document
        .select(&selector)
        .map(|element| element.value().name().to_owned())
        .collect()
}

/// The HTML5 parse errors html5ever reports for `html` (a well-formed page
/// has none).
pub fn parse_errors(html: &str) -> Vec<String> {
    Html::parse_document(html)
        .errors
        .into_iter()
        .map(|e| e.into_owned())
        .collect()
}

/// `Ok` when the HTML5 parser finds exactly `expected` as the script
/// elements' texts: none closed early, none swallowed, none added.
///
/// # Errors
/// A description of the first difference.
pub fn check_scripts(html: &str, expected: &[String]) -> Result<(), String> {
    let found = parsed_scripts(html);
    if let Some(i) = (0..found.len().min(expected.len())).find(|&i| found[i] != expected[i]) {
        return Err(format!(
            "script element {i} of {} differs:\n  found    {:?}\n  expected {:?}",
            found.len(),
            found[i],
            expected[i]
        ));
    }
    if found.len() != expected.len() {
        return Err(format!(
            "{} script elements parsed, {} emitted",
            found.len(),
            expected.len()
        ));
    }
    Ok(())
}

/// A call to the stub `window.Beacon`, as the page recorded it.
#[derive(Debug, Clone, Deserialize)]
pub struct Call {
    /// How many arguments the call had.
    pub argc: u32,
    /// The first argument: `"identify"`.
    pub method: Value,
    /// The second argument: the identify object.
    pub data: Value,
    /// `Object.keys` of the identify object, in JavaScript's order.
    pub keys: Option<Vec<String>>,
    /// `Object.prototype.toString` of the identify object.
    pub tag: String,
    /// Whether its prototype is `Object.prototype` (an object literal).
    pub plain: bool,
    /// The index in `document.scripts` of the script that made the call.
    pub script: i64,
}

/// A trap hit: `alert`, `prompt`, `confirm`, `onerror` or a failed
/// resource load.
#[derive(Debug, Clone, Deserialize)]
pub struct Trap {
    /// Which trap fired.
    pub kind: String,
    /// Its arguments, joined.
    pub detail: String,
}

/// A `securitypolicyviolation` event.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Violation {
    /// The violated directive, e.g. `script-src-elem`.
    pub directive: String,
    /// The blocked URI, `inline` for an inline script.
    pub blocked: String,
    /// The line of the blocked element.
    pub line: u64,
}

/// What the page recorded, as its results script wrote it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    /// `early` (written as the last script ran) or `late` (after load).
    pub phase: String,
    /// Every `window.Beacon` call, in order.
    pub calls: Vec<Call>,
    /// Every trap hit.
    pub traps: Vec<Trap>,
    /// Every Content Security Policy violation.
    pub violations: Vec<Violation>,
    /// Whether `window.Beacon` was still the stub at the end.
    pub beacon_intact: bool,
    /// `document.scripts.length` at the end.
    pub scripts: usize,
}

/// Reads the recording out of a DOM that a browser dumped.
///
/// # Errors
/// When there is no `<pre id="results">` or it does not decode.
pub fn read_results(dom: &str) -> Result<Results, String> {
    let document = Html::parse_document(dom);
    let selector = Selector::parse("pre#results").expect("selector");
    let pre = document
        .select(&selector)
        .next()
        .ok_or("no <pre id=\"results\"> in the dumped DOM: the results script did not run")?;
    let text: String = pre.text().collect();
    let json = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| format!("results are not base64: {e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("results are not the expected JSON: {e}"))
}

/// What the dumped DOM may hold besides the page's own elements: the
/// results script's `<pre>`.
pub const DUMPED_FRAME: [&str; 7] = ["html", "head", "meta", "title", "body", "script", "pre"];

/// Checks that `page` ran to the end in the browser whose DOM is `dom`,
/// that the DOM holds exactly the emitted scripts and nothing injected, and
/// returns the recording.
///
/// # Panics
/// When any of that fails, naming `what`.
pub fn ran_as_emitted(dom: &str, page: &Page, what: &str) -> Results {
    let results = read_results(dom).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(results.phase, "late", "{what}: the load event never came");
    assert!(results.beacon_intact, "{what}: window.Beacon was replaced");
    let expected = page.expected_scripts();
    assert_eq!(results.scripts, expected.len(), "{what}: document.scripts");
    if let Err(problem) = check_scripts(dom, &expected) {
        panic!("{what}: in the browser's DOM, {problem}");
    }
    let stray: Vec<String> = parsed_elements(dom)
        .into_iter()
        .filter(|name| !DUMPED_FRAME.contains(&name.as_str()))
        .collect();
    assert!(stray.is_empty(), "{what}: elements {stray:?} were injected");
    results
}

/// Checks one recorded call against the oracle's identify object for
/// `user` signed with `secret`, made by script number `script`.
///
/// # Errors
/// A description of every difference.
pub fn check_call(call: &Call, user: &Value, secret: &str, script: usize) -> Result<(), String> {
    let expected = oracle::expected_object(user, secret);
    let mut problems = Vec::new();
    if call.argc != 2 || call.method != "identify" {
        problems.push(format!(
            "called with {} arguments, method {}",
            call.argc, call.method
        ));
    }
    if !call.plain || call.tag != "[object Object]" {
        problems.push(format!("not a plain object: {}", call.tag));
    }
    if call.script != script as i64 {
        problems.push(format!(
            "made by script {} instead of {script}",
            call.script
        ));
    }
    let keys = oracle::js_key_order(expected.iter().map(|(k, _)| k.as_str()));
    if call.keys.as_ref() != Some(&keys) {
        problems.push(format!("keys {:?}, expected {keys:?}", call.keys));
    }
    for (key, value) in &expected {
        match call.data.get(key) {
            Some(found) if oracle::same_value(found, value) => {}
            found => problems.push(format!("{key}: {found:?}, expected {value:?}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// One engine's Content Security Policy page, `script-src 'nonce-{nonce}'`
/// when `policy` is set (the recorder and results scripts carry the nonce):
/// script 1 is `allowed`'s call rendered with `nonce=` (a whole
/// `<script nonce>` element, which the policy lets run); script 2 is
/// `blocked`'s call without it, in a plain `<script>` element; script 3 is
/// `blocked`'s call rendered with `nonce=wrong_nonce`. Under the policy only
/// script 1 may run; without it all three must.
///
/// # Panics
/// When the engine refuses either user.
pub fn csp_page(
    engines: &mut Engines,
    engine: Engine,
    (allowed, blocked): (&Value, &Value),
    (nonce, wrong_nonce): (&str, &str),
    policy: bool,
) -> Page {
    let mut page = Page::new(policy.then_some(nonce));
    let mut render = |form, user: &Value, nonce: &str| {
        let name = engines.template_for(form, user);
        engines
            .render_one(engine, &name, &context(user, nonce))
            .unwrap_or_else(|e| panic!("engine {engine} refused {user}: {e}"))
    };
    let with_nonce = render(Form::UserWithNonce, allowed, nonce);
    let plain = render(Form::User, blocked, nonce);
    let wrong = render(Form::UserWithNonce, blocked, wrong_nonce);
    page.element(&with_nonce, nonce)
        .call(&plain)
        .element(&wrong, wrong_nonce);
    page
}
