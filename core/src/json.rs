//! The one JSON writer for the script context.
//!
//! Strings (keys and values alike) are written as JSON strings, ASCII only,
//! with these escapes, in one pass:
//!
//! | character | written as | because |
//! |---|---|---|
//! | `"` `\` | `\"` `\\` | JSON |
//! | U+0000 to U+001F | `\b` `\t` `\n` `\f` `\r`, else `\u00XX` | JSON (serde_json's forms) |
//! | `<` `>` | `\u003c` `\u003e` | no `</script`, `<!--` or `<script` can form, so the HTML parser never leaves or re-enters the script element |
//! | `&` | `\u0026` | no character reference can form in XHTML or in text a developer copies elsewhere |
//! | `'` | `\u0027` | the call is wrapped in a JS source that uses single quotes |
//! | `` ` `` `$` | `\u0060` `\u0024` | inert even inside a JavaScript template literal (the class of Go's CVE-2023-24538) |
//! | space `/` `=` | `\u0020` `\u002f` `\u003d` | misplaced in an HTML attribute, the call's own `"` ends the attribute, but no user text can then start another: without these three the tokenizer finds no attribute boundary in it, so what follows stays one inert attribute name |
//! | DEL (U+007F) | `\u007f` | a control character the HTML parser reports as an error |
//! | every character above U+007F | `\uXXXX`, astral ones as a surrogate pair | the output is ASCII, so it reads the same in every encoding a page may be decoded in (a Shift_JIS or GBK lead byte cannot swallow a backslash, a windows-1252 page cannot turn an email into mojibake) and U+2028/U+2029 cannot end a line |
//!
//! JavaScript reads every escaped string as the original, so what is signed
//! is what Beacon sees. Escaping is never a reason to trust the output in an
//! attribute: it belongs inside a `<script>` element (or is a whole element
//! with `nonce=`), and misplaced it fails harmlessly rather than working.
//!
//! serde_json has no hook that adds escapes without a second scan of every
//! string (its formatter hands over the fragments between its own escapes);
//! on the hot path of every page render that showed up as a third of the
//! cost of the JSON. Runs of bytes that need nothing (letters, digits, most
//! ASCII punctuation) are copied whole. Numbers (custom attributes only) are
//! still written by serde_json's serializer.

use crate::identity::AttributeValue;
use crate::validate::Payload;

/// How each byte is written inside a script-safe JSON string: `__` as it
/// is, `UU` as `\u00XX`, `NA` (a byte of a character above U+007F) as the
/// character's `\uXXXX`, any other as a backslash and that letter.
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
    let script = [b'<', b'>', b'&', b'\'', b'`', b'$', b' ', b'/', b'=', 0x7F];
    let mut i = 0;
    while i < script.len() {
        table[script[i] as usize] = UU;
        i += 1;
    }
    let mut byte = 0x80;
    while byte < 256 {
        table[byte] = NA;
        byte += 1;
    }
    table
};

/// Written as `\u00XX`.
const UU: u8 = b'u';
/// A byte of a character above U+007F: written as `\uXXXX`.
const NA: u8 = 1;
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `\uXXXX` for one UTF-16 code unit.
#[inline]
fn push_unit(out: &mut String, unit: u16) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xF)]));
    }
}

/// Writes `value` as a script-safe JSON string, quotes included.
pub(crate) fn write_str(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    let mut rest = value;
    // Every cut is before an ASCII byte or a character's lead byte, so both
    // sides stay whole UTF-8.
    while let Some(at) = rest.bytes().position(|b| ESCAPE[usize::from(b)] != 0) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let byte = rest.as_bytes()[0];
        let len = match ESCAPE[usize::from(byte)] {
            NA => {
                let c = rest.chars().next().unwrap_or_default();
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_unit(out, *unit);
                }
                c.len_utf8()
            }
            UU => {
                push_unit(out, u16::from(byte));
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

/// Writes any JSON value as script-safe JSON (a registered `config`), or
/// `Err` at a `__proto__` key, which an object literal does not keep.
pub(crate) fn write_value(out: &mut String, value: &serde_json::Value) -> Result<(), ()> {
    use serde_json::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if key == "__proto__" {
                    return Err(());
                }
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_value(out, item)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Writes a map of strings as a script-safe JSON object, in key order.
pub(crate) fn write_string_map<'a>(
    out: &mut String,
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, key);
        out.push(':');
        write_str(out, value);
    }
    out.push('}');
}

/// Writes an attribute's value as script-safe JSON.
pub(crate) fn write_attribute(out: &mut String, value: &AttributeValue) {
    match value {
        AttributeValue::String(s) => write_str(out, s),
        AttributeValue::Number(n) => out.push_str(&n.to_string()),
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
        let mut out = String::new();
        for c in serde_json::to_string(value).unwrap().chars() {
            if "<>&'`$ /=\u{7f}".contains(c) || !c.is_ascii() {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            } else {
                out.push(c);
            }
        }
        out
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
    fn the_output_is_ascii_and_javascript_reads_the_input() {
        assert_eq!(written("a\u{2028}b\u{2029}c"), r#""a\u2028b\u2029c""#);
        assert_eq!(written("Zoë 😀"), r#""Zo\u00eb\u0020\ud83d\ude00""#);
        assert_eq!(
            written("x\" onmouseover=alert(1)//"),
            r#""x\"\u0020onmouseover\u003dalert(1)\u002f\u002f""#
        );
        assert_eq!(written("`${x}`"), r#""\u0060\u0024{x}\u0060""#);
        // A Shift_JIS or GBK lead byte as the last byte of a character.
        assert_eq!(
            written("ā\");alert(1)//"),
            r#""\u0101\");alert(1)\u002f\u002f""#
        );
    }
}
