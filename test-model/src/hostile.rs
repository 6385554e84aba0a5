//! The hostile corpus: strings that have broken script blocks, JavaScript
//! strings and JSON encoders somewhere, in the sizes the tests need them:
//! [`FRAGMENTS`] and [`hostile_strings`] for corpora, [`SNIPPETS`] and
//! [`CHARS`] for generators, and [`ESCAPED`], each with the escape written by
//! hand.

/// Fragments, each a known way to break out of a script element, a JS
/// string or a naive JSON encoder, or a character that encoders mishandle.
pub const FRAGMENTS: &[&str] = &[
    // HTML script-data states
    "</script>",
    "</script",
    "</SCRIPT >",
    "</ScRiPt/x>",
    "</script\t",
    "</script\n",
    "<!--",
    "-->",
    "<!--<script>",
    "<script>",
    "<script src=//evil.example>",
    "<\\/script>",
    "]]>",
    "<![CDATA[",
    "<svg onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "</style></title></textarea>",
    "<!DOCTYPE html>",
    "<?xml ?>",
    "</script/>",
    "</script\u{c}>",
    "<\0/script>",
    "</scr\0ipt>",
    "<\u{2028}/script>",
    "<!-- </script> -->",
    "<script><!--",
    "<!--->",
    "--!>",
    "<!-- <script> </script> -->",
    // JavaScript strings and templates
    "'",
    "\"",
    "`",
    "${alert(1)}",
    "\\",
    "\\'",
    "\\\"",
    "\\u2028",
    "\\x3c/script>",
    "'); alert(1); ('",
    "\"}); alert(1); ({\"",
    "'}); alert(1); //",
    "*/alert(1)/*",
    "//",
    "javascript:alert(1)",
    // line terminators and whitespace
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\u{0b}",
    "\u{0c}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{a0}",
    "\u{3000}",
    // NUL and control characters
    "\0",
    "\u{1}",
    "\u{8}",
    "\u{1b}[31m",
    "\u{1f}",
    "\u{7f}",
    "\u{9f}",
    // astral, combining, bidi, byte-order marks, noncharacters
    "😀",
    "𝕏𝔸",
    "👩\u{200d}👩\u{200d}👧",
    "e\u{301}\u{301}\u{301}",
    "\u{200f}",
    "\u{202e}gnp.exe",
    "\u{2066}\u{2069}",
    "\u{200b}",
    "\u{feff}",
    "\u{fffd}",
    "\u{fffe}",
    "\u{10ffff}",
    "\u{202a}\u{202b}\u{202c}\u{202d}",
    "\u{61c}",
    "\u{2067}\u{2068}",
    "\u{fe0f}",
    "\u{e0001}",
    "\u{ffff}",
    "\u{d7ff}\u{e000}",
    "\u{1d11e}",
    "\u{1f1fa}\u{1f1f8}",
    "\u{300}",
    "日本語",
    "Ωμέγα",
    "İı",
    "ﬀ",
    // HTML entities that must stay text
    "&amp;",
    "&lt;/script&gt;",
    "&#x3C;",
    "&",
    "&&",
];

/// How a fragment is placed in a string.
const WRAPPERS: [fn(&str) -> String; 8] = [
    |f| f.to_owned(),
    |f| format!("Jane {f} Doe"),
    |f| format!("{f}{f}"),
    |f| format!("{f}Jane"),
    |f| format!("Jane{f}"),
    |f| format!("\"{f}'"),
    |f| format!("<{f}>"),
    |f| format!("\\{f}\\"),
];

/// At least 500 distinct hostile strings, and the long ones at each limit.
pub fn hostile_strings() -> Vec<String> {
    let mut strings: Vec<String> = WRAPPERS
        .iter()
        .flat_map(|wrap| FRAGMENTS.iter().map(move |fragment| wrap(fragment)))
        .collect();
    for limit in [60, 80] {
        for unit in ["a", "é", "😀", "<", "\u{2028}"] {
            for len in [limit - 1, limit, limit + 1] {
                strings.push(unit.repeat(len));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    strings.retain(|s| seen.insert(s.clone()));
    strings
}

/// Short pieces for the generators of the property and fuzz-equivalent
/// tests to string together: what breaks script elements, JavaScript
/// strings and JSON encoders, the characters escaped since the output went
/// ASCII only, and grapheme clusters of several characters for the cut.
pub const SNIPPETS: &[&str] = &[
    "<",
    ">",
    "&",
    "'",
    "\"",
    "\\",
    "\u{2028}",
    "\u{2029}",
    "\0",
    "\n",
    "\r",
    "\t",
    "\u{7f}",
    "\u{85}",
    "\u{feff}",
    "\u{200f}",
    "\u{202e}",
    "</script",
    "</SCRIPT ",
    "<!--",
    "-->",
    "<script",
    "]]>",
    "${",
    "`",
    "&amp;",
    "\\u2028",
    "\\\"",
    "😀",
    "𝕏",
    "e\u{301}",
    "\u{2027}",
    "\u{202a}",
    "\u{1f}",
    "</script>",
    "jane@example.com",
    "https://",
    "http://example.com/a.png",
    "$",
    " ",
    "/",
    "=",
    "\" onload=x//",
    "é",
    "\u{ffff}",
    "👩\u{200d}👩\u{200d}👧",
    "🇫🇷",
    "\u{1f44d}\u{1f3fd}",
    "\r\n",
    "\u{1100}\u{1161}\u{11a8}",
];

/// Characters with a special meaning somewhere between HTML, JavaScript and
/// JSON, or that encoders and browsers are known to mishandle.
pub const CHARS: &[char] = &[
    '<',
    '>',
    '&',
    '\'',
    '"',
    '`',
    '\\',
    '/',
    '!',
    '-',
    '$',
    '{',
    '}',
    '=',
    '\0',
    '\u{1}',
    '\u{8}',
    '\t',
    '\n',
    '\u{b}',
    '\u{c}',
    '\r',
    '\u{1b}',
    '\u{1f}',
    '\u{7f}',
    '\u{80}',
    '\u{85}',
    '\u{9f}',
    '\u{a0}',
    '\u{ad}',
    '\u{300}',
    '\u{301}',
    '\u{61c}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{200f}',
    '\u{2028}',
    '\u{2029}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{3000}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{fe0f}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{10000}',
    '\u{1d11e}',
    '😀',
    '\u{e0001}',
    '\u{10fffd}',
    '\u{10ffff}',
];

/// (hostile input, the body of the JSON string it must become), written by
/// hand from the escaping rule, never computed: the core's escaping tests
/// and [`crate::escape`]'s own test both check against it.
pub const ESCAPED: &[(&str, &str)] = &[
    // Script data: closing, re-opening and comment tricks.
    ("</script>", r"\u003c\u002fscript\u003e"),
    ("</SCRIPT ", r"\u003c\u002fSCRIPT\u0020"),
    ("</script/", r"\u003c\u002fscript\u002f"),
    ("</ScRiPt\t>", r"\u003c\u002fScRiPt\t\u003e"),
    ("<!--<script>", r"\u003c!--\u003cscript\u003e"),
    ("-->", r"--\u003e"),
    ("--!>", r"--!\u003e"),
    ("<!--", r"\u003c!--"),
    ("<script", r"\u003cscript"),
    ("]]>", r"]]\u003e"),
    (r"<\/script>", r"\u003c\\\u002fscript\u003e"),
    (
        "</script><script>alert(1)</script>",
        r"\u003c\u002fscript\u003e\u003cscript\u003ealert(1)\u003c\u002fscript\u003e",
    ),
    ("<", r"\u003c"),
    (">", r"\u003e"),
    ("&", r"\u0026"),
    // Quotes.
    ("\"", r#"\""#),
    ("'", r"\u0027"),
    ("`", r"\u0060"),
    (r#"a"b'c`d"#, r#"a\"b\u0027c\u0060d"#),
    (r#""});alert(1);//"#, r#"\"});alert(1);\u002f\u002f"#),
    ("');alert(1);//", r"\u0027);alert(1);\u002f\u002f"),
    // Out of a misplaced HTML attribute: no space, `/` or `=` to start
    // another one.
    ("=", r"\u003d"),
    (" ", r"\u0020"),
    ("/", r"\u002f"),
    (
        "x\" onmouseover=alert(1)//",
        r#"x\"\u0020onmouseover\u003dalert(1)\u002f\u002f"#,
    ),
    ("a\"/onload=b", r#"a\"\u002fonload\u003db"#),
    // Backslashes.
    (r"\", r"\\"),
    (r"\\", r"\\\\"),
    (r"trailing\", r"trailing\\"),
    (r"\u2028", r"\\u2028"),
    (r"\u003c/script>", r"\\u003c\u002fscript\u003e"),
    (r#"\""#, r#"\\\""#),
    (r"\'", r"\\\u0027"),
    // NUL and other controls (all 32 C0 controls: see `every_c0_control`).
    ("\0", r"\u0000"),
    ("a\0b", r"a\u0000b"),
    ("\u{1}", r"\u0001"),
    ("\u{8}\t\u{b}\u{c}", r"\b\t\u000b\f"),
    ("\u{1b}[31m", r"\u001b[31m"),
    ("\u{1f}", r"\u001f"),
    ("</scr\0ipt>", r"\u003c\u002fscr\u0000ipt\u003e"),
    // DEL is not a JSON control, but the HTML parser reports it: escaped.
    ("\u{7f}", r"\u007f"),
    ("\u{80}\u{85}\u{9f}", r"\u0080\u0085\u009f"),
    // Line terminators.
    ("\n", r"\n"),
    ("\r\n", r"\r\n"),
    ("\u{2028}", r"\u2028"),
    ("\u{2029}", r"\u2029"),
    ("a\u{2028}b\u{2029}c", r"a\u2028b\u2029c"),
    ("<\u{2028}>", r"\u003c\u2028\u003e"),
    // Neighbours of U+2028 share its first two UTF-8 bytes.
    (
        "\u{2000}\u{2027}\u{202a}\u{202f}",
        r"\u2000\u2027\u202a\u202f",
    ),
    // Every character above U+007F, in lower-case hex: Latin-1, the edges
    // of the BMP around the surrogates, and astral characters as surrogate
    // pairs.
    ("é", r"\u00e9"),
    ("ÿĀ", r"\u00ff\u0100"),
    ("\u{abcd}\u{ffff}", r"\uabcd\uffff"),
    ("\u{d7ff}\u{e000}", r"\ud7ff\ue000"),
    ("\u{10000}", r"\ud800\udc00"),
    // A Shift_JIS or GBK lead byte is never written: no character can
    // swallow the backslash of the escape after it.
    ("ā\");alert(1)//", r#"\u0101\");alert(1)\u002f\u002f"#),
    ("表\\", r"\u8868\\"),
    // Astral characters, combining characters, bidi controls, BOM.
    ("😀", r"\ud83d\ude00"),
    ("𝕏", r"\ud835\udd4f"),
    (
        "👩\u{200d}👩\u{200d}👧",
        r"\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67",
    ),
    ("e\u{301}", r"e\u0301"),
    ("Z\u{336}\u{353}a\u{35b}", r"Z\u0336\u0353a\u035b"),
    ("\u{200f}", r"\u200f"),
    ("\u{202e}fdp.exe", r"\u202efdp.exe"),
    ("\u{feff}", r"\ufeff"),
    ("\u{fffd}\u{10ffff}", r"\ufffd\udbff\udfff"),
    // Template and HTML-entity lookalikes.
    ("${alert(1)}", r"\u0024{alert(1)}"),
    ("`${x}`", r"\u0060\u0024{x}\u0060"),
    ("{{name}}", "{{name}}"),
    ("&amp;", r"\u0026amp;"),
    ("&lt;/script&gt;", r"\u0026lt;\u002fscript\u0026gt;"),
    ("&#60;&#x3C;", r"\u0026#60;\u0026#x3C;"),
    ("&quot;&apos;", r"\u0026quot;\u0026apos;"),
    // Mixtures and the harmless.
    (
        "\0\u{2028}<\\\"'&>",
        r#"\u0000\u2028\u003c\\\"\u0027\u0026\u003e"#,
    ),
    (
        "Zoë Åkesson 日本語",
        r"Zo\u00eb\u0020\u00c5kesson\u0020\u65e5\u672c\u8a9e",
    ),
    ("", ""),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert!(hostile_strings().len() >= 500);
        assert!(ESCAPED.len() >= 40);
        for snippet in SNIPPETS {
            assert!(!snippet.is_empty());
        }
    }
}
