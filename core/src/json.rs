//! The one JSON writer for the script context.
//!
//! serde_json does the JSON (quotes, backslashes, control characters); this
//! formatter adds what an HTML `<script>` element and a JavaScript source
//! need on top, in keys and values alike:
//!
//! | character | written as | because |
//! |---|---|---|
//! | `<` `>` | `\u003c` `\u003e` | no `</script`, `<!--` or `<script` can form, so the HTML parser never leaves or re-enters the script element |
//! | `&` | `\u0026` | harmless in a script element, but escaped so the text stays inert if pasted into an attribute or XHTML |
//! | `'` | `\u0027` | the call is wrapped in a JS source that uses single quotes |
//! | U+2028 U+2029 | `\u2028` `\u2029` | line terminators in JavaScript source before ES2019 |

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::validate::Payload;

/// serde_json's compact format, with the extra escapes of the module docs.
struct ScriptSafe;

impl Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json only cuts fragments at ASCII escapes, so every fragment
        // is whole UTF-8 and the three-byte patterns below cannot straddle two.
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let (escape, len): (&[u8], usize) = match byte {
                b'<' => (b"\\u003c", 1),
                b'>' => (b"\\u003e", 1),
                b'&' => (b"\\u0026", 1),
                b'\'' => (b"\\u0027", 1),
                0xE2 => match bytes.get(i + 1..i + 3) {
                    Some([0x80, 0xA8]) => (b"\\u2028", 3),
                    Some([0x80, 0xA9]) => (b"\\u2029", 3),
                    _ => continue,
                },
                _ => continue,
            };
            writer.write_all(&bytes[start..i])?;
            writer.write_all(escape)?;
            start = i + len;
        }
        writer.write_all(&bytes[start..])
    }
}

/// Writes one value (a string, or an attribute's number or boolean) as
/// script-safe JSON to the end of `out`.
fn write_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut serializer = serde_json::Serializer::with_formatter(out, ScriptSafe);
    // Writing a string, a finite number or a boolean into a Vec cannot fail.
    if let Err(error) = value.serialize(&mut serializer) {
        unreachable!("script-safe JSON of a plain value failed: {error}");
    }
}

/// Writes the identify object in Beacon's field order, signature last, to
/// the end of `out`.
///
/// The members are laid out here rather than by a serde map so that what
/// is ours (Beacon's field names, the hex signature) is copied as it is,
/// and only what came from the user is scanned for escapes: on a typical
/// call that halves the bytes scanned.
pub(crate) fn write_identify_object(out: &mut Vec<u8>, payload: &Payload<'_>, signature: &str) {
    out.push(b'{');
    let fields = [
        (&b"\"name\":"[..], payload.name),
        (b"\"email\":", Some(payload.email)),
        (b"\"company\":", payload.company),
        (b"\"jobTitle\":", payload.job_title),
        (b"\"avatar\":", payload.avatar),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            out.extend_from_slice(key);
            write_value(out, value);
            out.push(b',');
        }
    }
    for (key, value) in payload.attributes {
        write_value(out, key.as_str());
        out.push(b':');
        write_value(out, value);
        out.push(b',');
    }
    out.extend_from_slice(b"\"signature\":\"");
    out.extend_from_slice(signature.as_bytes());
    out.extend_from_slice(b"\"}");
}
