//! The escaping rule of the README's "Security model", restated: the call's
//! JSON is ASCII only; `"` and `\` are escaped, the five controls JSON has
//! short escapes for use them (`\b \t \n \f \r`), the other controls are
//! `\u00XX`; `<` `>` `&` `'` `` ` `` `$` space `/` `=` DEL and every
//! character above U+007F are lower-case `\uXXXX` (astral characters as a
//! surrogate pair); every other ASCII character is written as it is.

use crate::json::Json;

/// What the call's text starts with.
pub const PREFIX: &str = "window.Beacon('identify', ";
/// What the call's text ends with.
pub const SUFFIX: &str = ");";

/// Every character the JSON object may not hold raw (as `\u00XX`), besides
/// `"`, `\` and the C0 controls: what could end the script element or open
/// a comment, break the single-quoted source, start a template-literal
/// substitution, or end or start an HTML attribute; and DEL, which the HTML
/// parser reports.
pub const NEVER_RAW: [char; 10] = ['<', '>', '&', '\'', '`', '$', ' ', '/', '=', '\u{7f}'];

/// The body of the JSON string `value` becomes (without its quotes).
pub fn escaped(value: &str) -> String {
    let mut out = String::new();
    push_escaped(&mut out, value);
    out
}

fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' || NEVER_RAW.contains(&c) || !c.is_ascii() => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
}

/// A flat object of strings, numbers and booleans as the call writes it
/// (numbers as serde_json writes them).
pub fn script_safe_text(entries: &[(String, Json)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        push_escaped(&mut out, key);
        out.push_str("\":");
        match value {
            Json::String(s) => {
                out.push('"');
                push_escaped(&mut out, s);
                out.push('"');
            }
            other => other.write(&mut out),
        }
    }
    out.push('}');
    out
}

/// The whole call for these entries.
pub fn call_text(entries: &[(String, Json)]) -> String {
    format!("{PREFIX}{}{SUFFIX}", script_safe_text(entries))
}

/// Panics unless `json` (a call's object) is ASCII, has no raw control
/// character and none of [`NEVER_RAW`]: the object's own syntax uses none of
/// them, so any would be inside a string.
pub fn assert_script_safe(json: &str) {
    assert!(json.is_ascii(), "not ASCII: {json:?}");
    for c in json.chars() {
        assert!(!c.is_ascii_control(), "{c:?} raw in {json}");
        assert!(!NEVER_RAW.contains(&c), "{c:?} raw in {json}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostile::ESCAPED;

    /// The rule as written here against the table written by hand.
    #[test]
    fn the_rule_gives_the_hand_written_table() {
        for &(hostile, by_hand) in ESCAPED {
            assert_eq!(escaped(hostile), by_hand, "{hostile:?}");
            assert_script_safe(&format!("\"{by_hand}\""));
        }
    }

    #[test]
    fn a_flat_object() {
        let entries = vec![
            ("name".to_owned(), Json::String("</script>".to_owned())),
            (
                "n".to_owned(),
                Json::Number(1.5f64.to_string().parse().unwrap()),
            ),
            ("b".to_owned(), Json::Bool(true)),
        ];
        assert_eq!(
            call_text(&entries),
            r#"window.Beacon('identify', {"name":"\u003c\u002fscript\u003e","n":1.5,"b":true});"#
        );
    }
}
