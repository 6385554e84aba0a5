//! Misuse inside an HTML attribute fails harmlessly.
//!
//! The output is made for a `<script>` element, but a template may put it in
//! an event-handler attribute: `<button onclick="{{ user | beacon_identify }}">`.
//! The JSON's own `"` then ends a double-quoted attribute (and the fixed
//! `'identify'` a single-quoted one), and the rest of the call is read as
//! attribute names. That must stay inert whatever the user's text: the user
//! must never be able to add an attribute. Since every space, `/`, `=`, `<`,
//! `>`, `'`, `` ` `` and control in a string is escaped, the rest of the
//! call is one attribute name, and the attributes the parser makes are the
//! same for every input.
//!
//! Every engine renders hostile names in a double-quoted and a
//! single-quoted `onclick`, and `beacon_logout(endActiveChat=true)` too. An
//! HTML5 parser (html5ever) and headless Chromium list each button's
//! attributes: exactly the ones our own fixed text makes, the same as for a
//! benign name, no event handler but `onclick`, nothing like `autofocus`,
//! `style`, `src`, `href` or `formaction`. In Chromium the page then
//! dispatches mouse, focus, key and other events (never a click) at every
//! button, and no trap of the recorder may fire.
//!
//! Without Chromium the browser half prints a loud SKIPPED line and
//! returns; under `CI=true` it fails instead.

use base64::Engine as _;
use helpscout_beacon::Signer;
use helpscout_beacon_tests::browser::chromium;
use helpscout_beacon_tests::page::{RECORDER_JS, Trap};
use helpscout_beacon_tests::{ENGINES, Engine, Engines};
use scraper::{Html, Selector};
use serde::Deserialize;
use serde_json::json;

const SECRET: &str = "attribute-secret";

/// The baseline every hostile name is compared with.
const BENIGN: &str = "Jane";

/// Names that try to end the attribute, start another one, or close the tag.
const HOSTILE: &[&str] = &[
    "x\" onmouseover=alert(1)//",
    "x' onfocus=alert(1) autofocus x='",
    "x onclick=alert(1)",
    "a/onerror=alert(1)",
    "x\0 y",
    "x\tonmouseover=alert(1)",
    "x\nonfocus=alert(1)\nautofocus",
    "x\u{c}style=animation-name:x onanimationstart=alert(1)",
    "x\ronmouseenter=alert(1)",
    "x> <img src=x onerror=alert(1)>",
    "x\"><svg onload=alert(1)>",
    "x\" formaction=javascript:alert(1) x=\"",
    "x\" href=\"javascript:alert(1)\" src=\"x",
    "X\" ONMOUSEOVER=alert(1) \"",
    "x`onmouseover=alert(1)",
    "x'/onmouseover='alert(1)",
    "x/ onmouseover=alert(1)",
    "x=y",
    "x&quot; onmouseover=alert(1) x=&quot;",
    "</button><img src=x onerror=alert(1)>",
    "\u{a0}onmouseover=alert(1)",
    "x\u{3000}onmouseover=alert(1)",
    "ā\" onmouseover=alert(1) ",
];

/// The quotes an attribute can be written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Double,
    Single,
}

impl Quote {
    fn char(self) -> char {
        match self {
            Quote::Double => '"',
            Quote::Single => '\'',
        }
    }

    /// The identify and logout templates, Tera/MiniJinja then Handlebars.
    fn templates(self) -> [(String, String); 2] {
        let q = self.char();
        let button =
            |call: &str| format!("<button id={q}{{{{id}}}}{q} onclick={q}{call}{q}>b</button>\n");
        [
            (
                button("{{ user | beacon_identify }}"),
                button("{{beacon_identify user}}"),
            ),
            (
                button("{{ beacon_logout(endActiveChat=true) }}"),
                button("{{beacon_logout endActiveChat=true}}"),
            ),
        ]
    }
}

/// Event types dispatched at every button: everything a user can do to it
/// but click it, and a few a page does. Not `error`, which the recorder
/// traps wherever it is fired (an `onerror` the user added is dispatched
/// all the same, as its own type).
const EVENTS_JS: &str = r#"["mouseover", "mouseenter", "mousemove", "mouseout", "mouseleave",
  "pointerover", "pointerenter", "pointermove", "pointerout", "pointerleave", "focus", "focusin",
  "blur", "focusout", "keydown", "keypress", "keyup", "input", "beforeinput", "change", "select",
  "wheel", "scroll", "contextmenu", "copy", "paste", "touchstart", "load",
  "animationstart", "animationend", "transitionend", "toggle", "invalid"]"#;

/// The last script: lists every button's attributes, focuses each and
/// dispatches [`EVENTS_JS`] (and any `on…` type it has but `onclick`),
/// counts the traps each fired, and writes the report as base64 JSON into
/// `<pre id="results">` after the load event.
fn report_js() -> String {
    format!(
        r#"(function () {{
  var t = window.__beaconTest, events = {EVENTS_JS};
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button"));
  var report = buttons.map(function (b) {{
    var attrs = Array.prototype.map.call(b.attributes, function (a) {{ return [a.name, a.value]; }});
    var before = t.traps.length;
    try {{ b.focus(); b.blur(); }} catch (e) {{}}
    var handlers = attrs.map(function (a) {{ return a[0]; }}).filter(function (n) {{
      return n.slice(0, 2) === "on" && n !== "onclick";
    }}).map(function (n) {{ return n.slice(2); }});
    events.concat(handlers).forEach(function (type) {{
      try {{ b.dispatchEvent(new Event(type)); }} catch (e) {{}}
    }});
    return {{id: b.id, attrs: attrs, traps: t.traps.length - before}};
  }});
  function write(phase) {{
    var json = JSON.stringify({{phase: phase, buttons: report, traps: t.traps, calls: t.calls.length}});
    var bytes = new TextEncoder().encode(json), binary = "";
    for (var i = 0; i < bytes.length; i += 4096) {{
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096));
    }}
    var pre = document.createElement("pre");
    pre.id = "results";
    pre.textContent = btoa(binary);
    document.body.appendChild(pre);
  }}
  window.addEventListener("load", function () {{
    setTimeout(function () {{ write("late"); }}, 200);
  }});
}})();"#
    )
}

/// One rendered button: what it holds and the text the engine emitted.
struct Button {
    id: String,
    name: Option<&'static str>,
    output: String,
}

/// The page of one engine and quote: the benign name's button, one per
/// hostile name, and the logout button; and the buttons.
fn page(engines: &Engines, engine: Engine, quote: Quote) -> (String, Vec<Button>) {
    let prefix = format!("{quote:?}");
    let mut buttons = Vec::new();
    let mut body = String::new();
    for (i, name) in std::iter::once(BENIGN)
        .chain(HOSTILE.iter().copied())
        .enumerate()
    {
        let id = format!("b{i}");
        let user = json!({"email": "a@b.c", "name": name});
        let html = engines
            .render_one(
                engine,
                &format!("{prefix}0"),
                &json!({"id": id, "user": user}),
            )
            .unwrap_or_else(|e| panic!("{}: {name:?}: {e}", engine));
        body.push_str(&html);
        buttons.push(Button {
            id,
            name: Some(name),
            output: call_text(&html),
        });
    }
    let id = "logout".to_owned();
    let html = engines
        .render_one(engine, &format!("{prefix}1"), &json!({"id": id}))
        .unwrap_or_else(|e| panic!("{}: logout: {e}", engine));
    body.push_str(&html);
    buttons.push(Button {
        id,
        name: None,
        output: call_text(&html),
    });
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>attributes</title>\
         <script>{RECORDER_JS}</script></head><body>\n{body}<script>{}</script>\n</body></html>\n",
        report_js()
    );
    (page, buttons)
}

/// The call an engine wrote between `onclick=` + quote and the quote +
/// `>b</button>`.
fn call_text(html: &str) -> String {
    let start = html.find("onclick=").expect("onclick") + "onclick=".len() + 1;
    let end = html.rfind(">b</button>").expect("end of the button") - 1;
    html[start..end].to_owned()
}

/// The attributes a parser must make of `output` in a `quote`d `onclick`:
/// our fixed text up to the first quote as its value, then each
/// whitespace-separated piece of the rest (with the template's closing
/// quote) as an attribute name, lower-cased: the rest of the object as
/// one, after the single quote's `identify',`.
fn expected_attributes(id: &str, output: &str, quote: Quote) -> Vec<(String, String)> {
    let (value, rest) = output
        .split_once(quote.char())
        .expect("a quote in the call");
    // The template's closing quote ends the last name.
    let rest = format!("{rest}{}", quote.char());
    let mut attributes = vec![
        ("id".to_owned(), id.to_owned()),
        ("onclick".to_owned(), value.to_owned()),
    ];
    for piece in rest.split(['\t', '\n', '\u{c}', '\r', ' ']) {
        if !piece.is_empty() {
            attributes.push((piece.to_ascii_lowercase(), String::new()));
        }
    }
    attributes
}

/// The prefix the fixed text gives `onclick` in each quote.
fn fixed_onclick(quote: Quote, method: &str) -> String {
    match quote {
        Quote::Double => format!("window.Beacon('{method}', {{"),
        Quote::Single => "window.Beacon(".to_owned(),
    }
}

/// Attributes that would do something if the user could add them.
const FORBIDDEN: [&str; 5] = ["autofocus", "style", "src", "href", "formaction"];

/// What is wrong with the attributes `found` on `button`, given the
/// benign button's.
fn attribute_problems(
    button: &Button,
    found: &[(String, String)],
    benign: &[(String, String)],
    quote: Quote,
) -> Vec<String> {
    let mut problems = Vec::new();
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    let method = if button.name.is_some() {
        "identify"
    } else {
        "logout"
    };
    if found
        .iter()
        .find(|(n, _)| n == "onclick")
        .map(|(_, v)| v.as_str())
        != Some(&fixed_onclick(quote, method))
    {
        problems.push(format!("onclick is not our fixed prefix: {found:?}"));
    }
    let handlers: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("on") && *n != "onclick")
        .collect();
    if !handlers.is_empty() {
        problems.push(format!("event handlers {handlers:?} appeared"));
    }
    let forbidden: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| FORBIDDEN.contains(n))
        .collect();
    if !forbidden.is_empty() {
        problems.push(format!("attributes {forbidden:?} appeared"));
    }
    let count = match quote {
        Quote::Double => 3,
        Quote::Single => 4,
    };
    if found.len() != count {
        problems.push(format!(
            "{} attributes, not {count}: {names:?}",
            found.len()
        ));
    }
    match button.name {
        Some(_) => {
            // The one attribute holding the user's text is the rest of the
            // object: the only one whose name holds the signature's key.
            let is_user = |(n, _): &&(String, String)| n.contains("\"signature\":\"");
            let user: Vec<_> = found.iter().filter(is_user).collect();
            if user.len() != 1 {
                problems.push(format!(
                    "{} attributes hold the rest of the call, not 1",
                    user.len()
                ));
            }
            let fixed = |attributes: &[(String, String)]| -> Vec<String> {
                let mut names: Vec<String> = attributes
                    .iter()
                    .filter(|a| !is_user(a) && a.0 != "id")
                    .map(|(n, _)| n.clone())
                    .collect();
                names.sort();
                names
            };
            if fixed(found) != fixed(benign) {
                problems.push(format!(
                    "attribute names {:?} differ from the benign name's {:?}",
                    fixed(found),
                    fixed(benign)
                ));
            }
        }
        None => {
            let expected: Vec<String> = match quote {
                Quote::Double => vec!["endactivechat\":true});\"".into()],
                Quote::Single => vec!["logout',".into(), "{\"endactivechat\":true});'".into()],
            };
            let mut rest: Vec<String> = names
                .iter()
                .filter(|n| !matches!(**n, "id" | "onclick"))
                .map(|n| n.to_string())
                .collect();
            rest.sort();
            if rest != expected {
                problems.push(format!("logout's attributes {rest:?}, not {expected:?}"));
            }
        }
    }
    let mut sorted = found.to_vec();
    sorted.sort();
    let mut expected = expected_attributes(&button.id, &button.output, quote);
    expected.sort();
    if sorted != expected {
        problems.push(format!(
            "the rest of the call is not inert tokens: found {sorted:?}, expected {expected:?}"
        ));
    }
    problems
}

/// Every engine's rendered buttons, each quote, with their pages.
fn all_pages() -> Vec<(Engine, Quote, String, Vec<Button>)> {
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    for quote in [Quote::Double, Quote::Single] {
        for (i, (jinja, handlebars)) in quote.templates().iter().enumerate() {
            engines.add_raw(&format!("{quote:?}{i}"), jinja, handlebars);
        }
    }
    let mut pages = Vec::new();
    for engine in ENGINES {
        for quote in [Quote::Double, Quote::Single] {
            let (html, buttons) = page(&engines, engine, quote);
            pages.push((engine, quote, html, buttons));
        }
    }
    pages
}

/// Checks every button's attributes as listed by `attributes(page, id)`;
/// returns the problems, one line per button.
fn check_pages(
    pages: &[(Engine, Quote, String, Vec<Button>)],
    attributes: impl Fn(usize, &str) -> Vec<(String, String)>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (p, (engine, quote, _, buttons)) in pages.iter().enumerate() {
        let benign = attributes(p, &buttons[0].id);
        for button in buttons {
            let found = attributes(p, &button.id);
            let problems = attribute_problems(button, &found, &benign, *quote);
            if !problems.is_empty() {
                failures.push(format!(
                    "{}, {quote:?}, {:?}: {}",
                    engine,
                    button.name.unwrap_or("logout"),
                    problems.join("; ")
                ));
            }
        }
    }
    failures
}

fn assert_no_failures(failures: &[String], buttons: usize, what: &str) {
    assert!(
        failures.is_empty(),
        "{what}: {} of {buttons} buttons failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// html5ever parses every page to buttons with exactly the attributes our
/// fixed text makes (needs no browser, so it always runs).
#[test]
fn html5ever_finds_no_attribute_the_user_added() {
    let pages = all_pages();
    let parsed: Vec<Html> = pages
        .iter()
        .map(|(_, _, html, _)| Html::parse_document(html))
        .collect();
    let attributes = |p: usize, id: &str| -> Vec<(String, String)> {
        let selector = Selector::parse("button").unwrap();
        parsed[p]
            .select(&selector)
            .find(|b| b.value().attr("id") == Some(id))
            .map(|b| {
                b.value()
                    .attrs()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let buttons: usize = pages.iter().map(|p| p.3.len()).sum();
    let failures = check_pages(&pages, attributes);
    assert_no_failures(&failures, buttons, "html5ever");
    assert_eq!(buttons, ENGINES.len() * 2 * (HOSTILE.len() + 2));
}

#[derive(Debug, Deserialize)]
struct Report {
    phase: String,
    buttons: Vec<ButtonReport>,
    traps: Vec<Trap>,
    calls: usize,
}

#[derive(Debug, Deserialize)]
struct ButtonReport {
    id: String,
    attrs: Vec<(String, String)>,
    traps: usize,
}

/// Chromium makes the same attributes of every button, and events at each
/// (focus, mouse, keys, … never a click) fire no trap and no call.
#[test]
fn chromium_finds_no_attribute_the_user_added_and_no_event_fires_a_trap() {
    let Some(chromium) = chromium() else { return };
    let pages = all_pages();
    let htmls: Vec<String> = pages.iter().map(|p| p.2.clone()).collect();
    let doms = chromium.dump_doms(&htmls);
    let reports: Vec<Report> = doms
        .iter()
        .map(|dom| {
            let document = Html::parse_document(dom);
            let selector = Selector::parse("pre#results").unwrap();
            let text: String = document
                .select(&selector)
                .next()
                .expect("no <pre id=\"results\">: the report script did not run")
                .text()
                .collect();
            let json = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .unwrap();
            serde_json::from_slice(&json).unwrap()
        })
        .collect();
    let attributes = |p: usize, id: &str| -> Vec<(String, String)> {
        reports[p]
            .buttons
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.attrs.clone())
            .unwrap_or_default()
    };
    let mut failures = check_pages(&pages, attributes);
    for ((engine, quote, _, buttons), report) in pages.iter().zip(&reports) {
        let what = format!("{}, {quote:?}", engine);
        let ids: Vec<&str> = report.buttons.iter().map(|b| b.id.as_str()).collect();
        let expected: Vec<&str> = buttons.iter().map(|b| b.id.as_str()).collect();
        if report.phase != "late" || report.calls != 0 || ids != expected {
            failures.push(format!(
                "{what}: phase {}, {} Beacon calls, buttons {ids:?}",
                report.phase, report.calls
            ));
        }
        for (button, found) in buttons.iter().zip(&report.buttons) {
            if found.traps != 0 {
                failures.push(format!(
                    "{what}, {:?}: events at it fired {} traps",
                    button.name.unwrap_or("logout"),
                    found.traps
                ));
            }
        }
        if !report.traps.is_empty() {
            let traps: Vec<String> = report
                .traps
                .iter()
                .map(|t| format!("{}: {}", t.kind, t.detail))
                .collect();
            failures.push(format!("{what}: traps {traps:?}"));
        }
    }
    let buttons: usize = pages.iter().map(|p| p.3.len()).sum();
    assert_no_failures(&failures, buttons, "chromium");
    eprintln!(
        "{} pages, {buttons} buttons: no attribute added, no trap fired",
        pages.len()
    );
}

/// The check has teeth: a call written by plain `serde_json` (raw space
/// and `=`) in a double-quoted `onclick` adds an `onmouseover` that the
/// attribute check finds and the dispatched events run.
#[test]
fn a_naively_encoded_call_adds_an_attribute() {
    let name = HOSTILE[0];
    let naive = |name: &str| {
        format!(
            "window.Beacon('identify', {});",
            serde_json::to_string(&json!({"name": name, "email": "a@b.c", "signature": "0"}))
                .unwrap()
        )
    };
    let button =
        |id: &str, call: &str| format!("<button id=\"{id}\" onclick=\"{call}\">b</button>");
    let html = format!(
        "{}{}",
        button("b0", &naive(BENIGN)),
        button("b1", &naive(name))
    );
    let document = Html::parse_fragment(&html);
    let selector = Selector::parse("button").unwrap();
    let attributes: Vec<Vec<(String, String)>> = document
        .select(&selector)
        .map(|b| {
            b.value()
                .attrs()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect()
        })
        .collect();
    let hostile = Button {
        id: "b1".into(),
        name: Some(name),
        output: naive(name),
    };
    let problems = attribute_problems(&hostile, &attributes[1], &attributes[0], Quote::Double);
    assert!(
        problems.iter().any(|p| p.contains("\"onmouseover\"")),
        "{problems:?}"
    );
    let Some(chromium) = chromium() else { return };
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>t</title>\
         <script>{RECORDER_JS}</script></head><body>{html}<script>{}</script></body></html>",
        report_js()
    );
    let dom = chromium.dump_dom(&page);
    let document = Html::parse_document(&dom);
    let selector = Selector::parse("pre#results").unwrap();
    let text: String = document.select(&selector).next().unwrap().text().collect();
    let json = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap();
    let report: Report = serde_json::from_slice(&json).unwrap();
    assert_eq!(report.buttons[0].traps, 0, "{report:?}");
    assert!(report.buttons[1].traps > 0, "{report:?}");
    assert!(
        report.traps.iter().any(|t| t.kind == "alert"),
        "{:?}",
        report.traps
    );
}
