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
use serde::ser::{SerializeMap, Serializer};
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

/// Writes `value` as script-safe JSON to the end of `out`.
pub(crate) fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut serializer = serde_json::Serializer::with_formatter(out, ScriptSafe);
    // Serializing our own types into a Vec cannot fail: every map key is a
    // string and every number is finite by construction.
    if let Err(error) = value.serialize(&mut serializer) {
        unreachable!("script-safe JSON of a validated payload failed: {error}");
    }
}

/// The identify object in Beacon's field order, signature last.
pub(crate) struct SignedPayload<'a> {
    pub(crate) payload: &'a Payload<'a>,
    pub(crate) signature: &'a str,
}

impl Serialize for SignedPayload<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.payload;
        let optional = [
            ("name", p.name),
            ("company", p.company),
            ("jobTitle", p.job_title),
            ("avatar", p.avatar),
        ];
        let len = 2 + optional.iter().filter(|(_, v)| v.is_some()).count() + p.attributes.len();
        let mut map = serializer.serialize_map(Some(len))?;
        if let Some(name) = p.name {
            map.serialize_entry("name", name)?;
        }
        map.serialize_entry("email", p.email)?;
        for (key, value) in &optional[1..] {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        for (key, value) in p.attributes {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("signature", self.signature)?;
        map.end()
    }
}
