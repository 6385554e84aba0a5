//! The one JSON writer for the script context.
//!
//! Strings (keys and values alike) are written as JSON strings with these
//! escapes, in one pass:
//!
//! | character | written as | because |
//! |---|---|---|
//! | `"` `\` | `\"` `\\` | JSON |
//! | U+0000 to U+001F | `\b` `\t` `\n` `\f` `\r`, else `\u00XX` | JSON (serde_json's forms) |
//! | `<` `>` | `\u003c` `\u003e` | no `</script`, `<!--` or `<script` can form, so the HTML parser never leaves or re-enters the script element |
//! | `&` | `\u0026` | harmless in a script element, but escaped so the text stays inert if pasted into an attribute or XHTML |
//! | `'` | `\u0027` | the call is wrapped in a JS source that uses single quotes |
//! | U+2028 U+2029 | `\u2028` `\u2029` | line terminators in JavaScript source before ES2019 |
//!
//! serde_json has no hook that adds escapes without a second scan of every
//! string (its formatter hands over the fragments between its own escapes)
//! and it writes bytes that must then be checked again as UTF-8; on the hot
//! path of every page render both showed up as a third of the cost of the
//! JSON. Numbers (custom attributes only) are still written by serde_json's
//! serializer.

use crate::identity::AttributeValue;
use crate::validate::Payload;

/// How each byte is written inside a script-safe JSON string: `__` as it
/// is, `UU` as `\u00XX`, any other as a backslash and that letter. Bytes of
/// multi-byte characters are written as they are, except the lead byte
/// `0xE2`, checked for U+2028 and U+2029 (`LS`).
static ESCAPE: [u8; 256] = {
    const __: u8 = 0;
    const BB: u8 = b'b';
    const TT: u8 = b't';
    const NN: u8 = b'n';
    const FF: u8 = b'f';
    const RR: u8 = b'r';
    const QU: u8 = b'"';
    const BS: u8 = b'\\';
    let mut table = [__; 256];
    let controls = [
        UU, UU, UU, UU, UU, UU, UU, UU, BB, TT, NN, UU, FF, RR, UU, UU, //
        UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU,
    ];
    let mut i = 0;
    while i < controls.len() {
        table[i] = controls[i];
        i += 1;
    }
    table[b'"' as usize] = QU;
    table[b'\\' as usize] = BS;
    table[b'<' as usize] = UU;
    table[b'>' as usize] = UU;
    table[b'&' as usize] = UU;
    table[b'\'' as usize] = UU;
    table[0xE2] = LS;
    table
};

/// Written as `\u00XX`.
const UU: u8 = b'u';
/// A lead byte of U+2028 and U+2029, among others.
const LS: u8 = 1;
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `value` as a script-safe JSON string, quotes included.
pub(crate) fn write_str(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    let mut rest = value;
    // Runs of bytes that need nothing are copied whole; every cut is before
    // an ASCII byte or a character's lead byte, so both sides stay whole
    // UTF-8.
    while let Some(at) = rest.bytes().position(|b| ESCAPE[usize::from(b)] != 0) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let byte = rest.as_bytes()[0];
        let len = match ESCAPE[usize::from(byte)] {
            LS => {
                let c = rest.chars().next().unwrap_or_default();
                match c {
                    '\u{2028}' => out.push_str("\\u2028"),
                    '\u{2029}' => out.push_str("\\u2029"),
                    other => out.push(other),
                }
                c.len_utf8()
            }
            UU => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
                1
            }
            short => {
                out.push('\\');
                out.push(char::from(short));
                1
            }
        };
        rest = &rest[len..];
    }
    out.push_str(rest);
    out.push('"');
}

/// Writes an attribute's value as script-safe JSON.
fn write_attribute(out: &mut String, value: &AttributeValue) {
    match value {
        AttributeValue::String(s) => write_str(out, s),
        AttributeValue::Number(n) => match serde_json::to_string(n) {
            Ok(text) => out.push_str(&text),
            Err(error) => unreachable!("a serde_json::Number did not serialize: {error}"),
        },
        AttributeValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    }
}

/// Writes the identify object in Beacon's field order, signature last, to
/// the end of `out`.
///
/// What is ours (Beacon's field names, the hex signature) is copied as it
/// is; only what came from the user is scanned for escapes.
pub(crate) fn write_identify_object(out: &mut String, payload: &Payload<'_>, signature: &str) {
    out.push('{');
    let fields = [
        ("\"name\":", payload.name),
        ("\"email\":", Some(payload.email)),
        ("\"company\":", payload.company),
        ("\"jobTitle\":", payload.job_title),
        ("\"avatar\":", payload.avatar),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            out.push_str(key);
            write_str(out, value);
            out.push(',');
        }
    }
    for (key, value) in payload.attributes {
        write_str(out, key);
        out.push(':');
        write_attribute(out, value);
        out.push(',');
    }
    out.push_str("\"signature\":\"");
    out.push_str(signature);
    out.push_str("\"}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's own string, then the script-context escapes applied to
    /// its text: an independent expectation for every character.
    fn reference(value: &str) -> String {
        serde_json::to_string(value)
            .unwrap()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\'', "\\u0027")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    }

    fn written(value: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, value);
        out
    }

    #[test]
    fn every_character_matches_serde_json_plus_the_script_escapes() {
        // Every character up to U+3000 (ASCII, controls, the U+20xx block
        // that shares the lead byte 0xE2), then a sample of the rest.
        let characters = (0..=0x3000u32)
            .chain((0x3001..=0x10FFFF).step_by(97))
            .filter_map(char::from_u32);
        for c in characters {
            for value in [
                c.to_string(),
                format!("a{c}"),
                format!("{c}b"),
                format!("x{c}{c}y"),
            ] {
                assert_eq!(written(&value), reference(&value), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn a_lead_byte_e2_elsewhere_is_left_alone() {
        for value in [
            "\u{2027}",
            "\u{202A}",
            "\u{20AC}",
            "\u{2028}\u{2029}\u{2030}",
            "€\u{2028}",
        ] {
            assert_eq!(written(value), reference(value));
        }
        assert_eq!(written("a\u{2028}b\u{2029}c"), r#""a\u2028b\u2029c""#);
    }
}
