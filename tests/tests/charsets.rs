//! Output that is safe whatever encoding the page is decoded in.
//!
//! A Rust app writes its pages as UTF-8, but a page may declare another
//! charset (a legacy site, a template copied from one), and the browser
//! then decodes the same bytes as Shift_JIS, GBK, Big5, EUC-KR or
//! windows-1252. A non-ASCII character left raw in a script is read as
//! something else there; worse, in the double-byte encodings a character
//! whose last UTF-8 byte is a lead byte joins with the next byte, so the
//! backslash that a JSON writer puts before a `"` or a `\` is swallowed and
//! the string ends early: `ā"` written as `ā\"` is `C4 81 5C 22`, and
//! Shift_JIS reads `81 5C` as one character, leaving a bare `"`.
//!
//! Headless Chromium loads one page per engine and declared charset, each
//! holding generated "backslash-swallowing" identities and non-ASCII
//! emails: every call must reach the stub `window.Beacon` exactly as the
//! oracle expects (field by field, signature included), and no trap fires.
//!
//! Without Chromium each test prints a loud SKIPPED line and returns;
//! under `CI=true` it fails instead.

use helpscout_beacon::Signer;
use helpscout_beacon_tests::browser::chromium;
use helpscout_beacon_tests::page::{
    Page, Results, check_call, check_scripts, corpus_page_in, read_results,
};
use helpscout_beacon_tests::{ENGINES, Engines};
use serde_json::{Value, json};

const SECRET: &str = "charset-secret-ключ-🔑";
const NONCE: &str = "cSp+N0nce/x-_y==";

/// The declared charsets: four double-byte encodings in which 0x5C (`\`)
/// can be a trail byte or is refused as one, and a single-byte one.
const CHARSETS: [&str; 5] = ["shift_jis", "gbk", "big5", "euc-kr", "windows-1252"];

/// Identities per page; at least 50 of them with swallowing names.
const USERS: usize = 60;

/// Whether `byte` starts a two-byte character in some double-byte
/// encoding of [`CHARSETS`]: Shift_JIS leads are 0x81..=0x9F and
/// 0xE0..=0xFC, GBK, Big5 and EUC-KR leads 0x81..=0xFE. Whether it is read
/// as one depends on how the bytes before it paired up: `ā` (`C4 81`)
/// swallows the next byte in Shift_JIS, where `C4` is a character of its
/// own, but not in GBK, where `C4 81` is one; `ぁ` (`E3 81 81`) does in GBK.
fn is_lead(byte: u8) -> bool {
    (0x81..=0xFE).contains(&byte)
}

/// Characters whose last UTF-8 byte is a lead byte in the double-byte
/// charsets: two-, three- and four-byte ones, spread over Latin, Greek,
/// Cyrillic, kana, CJK, Hangul and emoji.
fn swallowing_chars() -> Vec<char> {
    let ranges = [
        (0x100, 0x17F),
        (0x370, 0x3FF),
        (0x400, 0x4FF),
        (0x3040, 0x30FF),
        (0x4E00, 0x9FFF),
        (0xAC00, 0xD7A3),
        (0x1F300, 0x1F64F),
    ];
    let mut chars = Vec::new();
    for (start, end) in ranges {
        let found: Vec<char> = (start..=end)
            .filter_map(char::from_u32)
            .filter(|c| {
                let mut buffer = [0; 4];
                let bytes = c.encode_utf8(&mut buffer).as_bytes();
                bytes.len() > 1 && is_lead(bytes[bytes.len() - 1])
            })
            .collect();
        // Up to 16 from each range, spread over it.
        let step = found.len().div_ceil(16).max(1);
        chars.extend(found.into_iter().step_by(step));
    }
    chars
}

/// Whether `text` has a swallowing character right before a `"` or a `\`
/// (which the JSON writer escapes with a backslash).
fn swallows(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|pair| {
        let mut buffer = [0; 4];
        let bytes = pair[0].encode_utf8(&mut buffer).as_bytes();
        bytes.len() > 1 && is_lead(bytes[bytes.len() - 1]) && matches!(pair[1], '"' | '\\')
    })
}

/// A name that breaks out of its JavaScript string wherever the backslash
/// before its `"` (or its `\`) is swallowed.
fn swallowing_name(c: char, i: usize) -> String {
    match i % 5 {
        0 => format!(r#"{c}"}});alert({i});//"#),
        1 => format!(r#"{c}\"}});alert({i});//"#),
        2 => format!(r#"Jane {c}"}});confirm({i});//"#),
        3 => format!(r#"{c}\{c}"{c}\\"}});prompt({i});//"#),
        _ => format!(r#"{c}"{c}"'); alert({i}); ('"#),
    }
}

/// Non-ASCII emails, one of them swallowing itself.
const EMAILS: [&str; 8] = [
    "jürgen.müller@exämple.com",
    "用户@例子.公司",
    "ユーザー@例え.jp",
    "사용자@예시.한국",
    "δοκιμή@παράδειγμα.δοκιμή",
    "😀\u{200d}🔥@emoji.example",
    "ā\"});alert(0);//@example.com",
    "e\u{301}ñ\\@ex.example",
];

/// [`USERS`] identities: every one with a swallowing name, some with
/// swallowing company, job title or attribute values too, and a non-ASCII
/// email.
fn users() -> Vec<Value> {
    let chars = swallowing_chars();
    (0..USERS)
        .map(|i| {
            let c = chars[i * 7 % chars.len()];
            let other = chars[(i * 11 + 3) % chars.len()];
            let mut user = json!({
                "email": EMAILS[i % EMAILS.len()],
                "name": swallowing_name(c, i),
            });
            if i % 3 == 0 {
                user["company"] = json!(swallowing_name(other, i + 1));
            }
            if i % 4 == 0 {
                user["jobTitle"] = json!(format!("{other}\\"));
            }
            if i % 5 == 0 {
                user["attributes"] = json!({"note": swallowing_name(other, i + 2), "seats": i});
            }
            user
        })
        .collect()
}

/// What went wrong on one page that a browser ran, or nothing.
fn problems(dom: &str, page: &Page, users: &[Value]) -> Vec<String> {
    let results: Results = match read_results(dom) {
        Ok(results) => results,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    if results.phase != "late" || !results.beacon_intact {
        problems.push(format!(
            "phase {}, Beacon intact {}",
            results.phase, results.beacon_intact
        ));
    }
    if !results.traps.is_empty() {
        let traps: Vec<String> = results
            .traps
            .iter()
            .map(|t| {
                format!(
                    "{}: {}",
                    t.kind,
                    t.detail.chars().take(120).collect::<String>()
                )
            })
            .collect();
        problems.push(format!(
            "{} traps fired, first: {:?}",
            traps.len(),
            &traps[..traps.len().min(4)]
        ));
    }
    if results.calls.len() != users.len() {
        problems.push(format!(
            "{} of {} calls arrived",
            results.calls.len(),
            users.len()
        ));
    }
    let differ: Vec<String> = results
        .calls
        .iter()
        .zip(users)
        .enumerate()
        .filter_map(|(i, (call, user))| {
            check_call(call, user, SECRET, i + 1)
                .err()
                .map(|e| format!("user {i}: {e}"))
        })
        .collect();
    if !differ.is_empty() {
        problems.push(format!(
            "{} calls differ from the oracle, first: {}",
            differ.len(),
            differ[0].chars().take(400).collect::<String>()
        ));
    }
    if let Err(problem) = check_scripts(dom, &page.expected_scripts()) {
        let problem: String = problem.chars().take(400).collect();
        problems.push(format!("scripts as decoded: {problem}"));
    }
    problems
}

/// The generated identities really are the hostile kind this test is for.
#[test]
fn the_identities_swallow_backslashes() {
    let users = users();
    let swallowing = users
        .iter()
        .filter(|u| swallows(u["name"].as_str().unwrap()))
        .count();
    assert!(
        swallowing >= 50 && swallowing == users.len(),
        "{swallowing}"
    );
    let chars = swallowing_chars();
    assert!(chars.len() >= 50, "{}", chars.len());
    let widths: std::collections::BTreeSet<usize> = chars.iter().map(|c| c.len_utf8()).collect();
    assert_eq!(widths, [2, 3, 4].into());
    assert!(
        users
            .iter()
            .all(|u| !u["email"].as_str().unwrap().is_ascii())
    );
}

/// Every identity through every engine on a page declaring each charset
/// (its bytes UTF-8 as rendered): every call arrives exactly as the oracle
/// expects and no trap fires.
#[test]
fn every_call_arrives_intact_whatever_charset_the_page_declares() {
    let Some(chromium) = chromium() else { return };
    let users = users();
    let mut engines = Engines::new(&Signer::new(SECRET).unwrap());
    let mut pages = Vec::new();
    for charset in CHARSETS {
        for engine in ENGINES {
            let page = corpus_page_in(charset, &mut engines, engine, &users, NONCE);
            pages.push((charset, engine, page));
        }
    }
    let htmls: Vec<String> = pages.iter().map(|(_, _, page)| page.html()).collect();
    let doms = chromium.dump_doms(&htmls);
    let failed: Vec<String> = pages
        .iter()
        .zip(&doms)
        .filter_map(|((charset, engine, page), dom)| {
            let problems = problems(dom, page, &users);
            (!problems.is_empty())
                .then(|| format!("{charset}, {}:\n  {}", engine, problems.join("\n  ")))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} pages failed:\n{}",
        failed.len(),
        pages.len(),
        failed.join("\n")
    );
    eprintln!(
        "{} charsets x {} engines: {} pages, {} calls each, all intact",
        CHARSETS.len(),
        ENGINES.len(),
        pages.len(),
        users.len()
    );
}

/// The test has teeth: Chromium honours the charset a page loaded from a
/// file declares. A raw character whose last byte pairs with the escaping
/// backslash ends its string early on a Shift_JIS, GBK or Big5 page and
/// runs the rest of the name (each needs its own character, as the bytes
/// before pair up differently); on EUC-KR and windows-1252 pages it only
/// arrives garbled; on a UTF-8 page it arrives as written.
#[test]
fn a_raw_lead_byte_breaks_out_on_a_double_byte_page() {
    let Some(chromium) = chromium() else { return };
    let cases = [
        ("utf-8", 'ā', "intact"),
        ("shift_jis", 'ā', "breaks out"),
        ("gbk", 'ぁ', "breaks out"),
        ("big5", '严', "breaks out"),
        ("euc-kr", 'ā', "garbled"),
        ("windows-1252", 'ā', "garbled"),
    ];
    let names: Vec<String> = cases
        .iter()
        .map(|(_, c, _)| format!("{c}\"}});alert(1);//"))
        .collect();
    let pages: Vec<String> = cases
        .iter()
        .zip(&names)
        .map(|((charset, _, _), name)| {
            let naive = format!(
                "window.Beacon('identify', {});",
                serde_json::to_string(&json!({"name": name, "email": "a@b.c"})).unwrap()
            );
            let mut page = Page::with_charset(charset, None);
            page.call(&naive);
            page.html()
        })
        .collect();
    let doms = chromium.dump_doms(&pages);
    for (((charset, _, expect), name), dom) in cases.iter().zip(&names).zip(&doms) {
        let results = read_results(dom).unwrap();
        assert_eq!(results.phase, "late", "{charset}");
        assert_eq!(results.calls.len(), 1, "{charset}: {:?}", results.calls);
        let arrived = results.calls[0].data["name"].as_str().unwrap();
        let alerts = results.traps.iter().filter(|t| t.kind == "alert").count();
        let found = match (arrived == name, alerts) {
            (true, 0) => "intact",
            (false, 1) => "breaks out",
            (false, 0) => "garbled",
            _ => "something else",
        };
        assert_eq!(
            found, *expect,
            "{charset}: {arrived:?}, {:?}",
            results.traps
        );
    }
}
