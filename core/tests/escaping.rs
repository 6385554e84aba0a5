//! Hostile strings, byte for byte.
//!
//! Every expected string in this file is written by hand from the escaping
//! rule of the README's "Security model", never computed by the code under
//! test. The output is ASCII only: serde_json's JSON escaping (`"` `\` and
//! U+0000..U+001F), plus `<` `>` `&` `'` `` ` `` `$` space `/` `=` as
//! `\u003c` `\u003e` `\u0026` `\u0027` `\u0060` `\u0024` `\u0020` `\u002f`
//! `\u003d`, and every character above U+007F as lower-case `\uXXXX` (astral
//! characters as a surrogate pair, so U+2028 / U+2029 are `\u2028` /
//! `\u2029`); every other ASCII character is written as it is.
//!
//! The table of hostile strings and their escapes is the test model's
//! (`helpscout_beacon_test_model::hostile::ESCAPED`), where the model's own
//! restatement of the rule is checked against it too.
//!
//! The signature of `email@email.com` under `secret_key_from_beacon_config`
//! is Help Scout's own reference value, so the calls below do not depend on
//! our signer either. Where the email itself is hostile, the signature is
//! checked against the test model's HMAC (`hmac`'s `SimpleHmac`).

use helpscout_beacon::{AttributeValue, Error, Identity, LimitPolicy, Signer};
use helpscout_beacon_test_model::hostile::ESCAPED as HOSTILE;
use helpscout_beacon_test_model::rules::signature as hmac_hex;

const SECRET: &str = "secret_key_from_beacon_config";
const EMAIL: &str = "email@email.com";
/// Help Scout's reference signature of `email@email.com` under `SECRET`.
const SIG: &str = "9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2";

/// Every C0 control and how serde_json writes it, by hand.
const C0: [(char, &str); 32] = [
    ('\u{00}', r"\u0000"),
    ('\u{01}', r"\u0001"),
    ('\u{02}', r"\u0002"),
    ('\u{03}', r"\u0003"),
    ('\u{04}', r"\u0004"),
    ('\u{05}', r"\u0005"),
    ('\u{06}', r"\u0006"),
    ('\u{07}', r"\u0007"),
    ('\u{08}', r"\b"),
    ('\u{09}', r"\t"),
    ('\u{0a}', r"\n"),
    ('\u{0b}', r"\u000b"),
    ('\u{0c}', r"\f"),
    ('\u{0d}', r"\r"),
    ('\u{0e}', r"\u000e"),
    ('\u{0f}', r"\u000f"),
    ('\u{10}', r"\u0010"),
    ('\u{11}', r"\u0011"),
    ('\u{12}', r"\u0012"),
    ('\u{13}', r"\u0013"),
    ('\u{14}', r"\u0014"),
    ('\u{15}', r"\u0015"),
    ('\u{16}', r"\u0016"),
    ('\u{17}', r"\u0017"),
    ('\u{18}', r"\u0018"),
    ('\u{19}', r"\u0019"),
    ('\u{1a}', r"\u001a"),
    ('\u{1b}', r"\u001b"),
    ('\u{1c}', r"\u001c"),
    ('\u{1d}', r"\u001d"),
    ('\u{1e}', r"\u001e"),
    ('\u{1f}', r"\u001f"),
];

fn signer() -> Signer {
    Signer::new(SECRET).unwrap()
}

fn emitted(identity: &Identity) -> String {
    signer()
        .identify(identity)
        .unwrap_or_else(|e| panic!("{identity:?} was refused: {e}"))
        .to_string()
}

/// The hand-written call for each of the four places a hostile string goes.
fn expected_calls(escaped: &str) -> [(&'static str, String); 4] {
    [
        (
            "name",
            format!(
                r#"window.Beacon('identify', {{"name":"{escaped}","email":"email@email.com","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}});"#
            ),
        ),
        (
            "company",
            format!(
                r#"window.Beacon('identify', {{"email":"email@email.com","company":"{escaped}","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}});"#
            ),
        ),
        (
            "jobTitle",
            format!(
                r#"window.Beacon('identify', {{"email":"email@email.com","jobTitle":"{escaped}","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}});"#
            ),
        ),
        (
            "attribute",
            format!(
                r#"window.Beacon('identify', {{"email":"email@email.com","note":"{escaped}","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}});"#
            ),
        ),
    ]
}

fn in_each_field(hostile: &str) -> [Identity; 4] {
    let base = Identity::new(EMAIL);
    [
        base.clone().name(hostile),
        base.clone().company(hostile),
        base.clone().job_title(hostile),
        base.attribute("note", hostile),
    ]
}

fn assert_everywhere(hostile: &str, escaped: &str) {
    let identities = in_each_field(hostile);
    for ((place, expected), identity) in expected_calls(escaped).iter().zip(&identities) {
        assert_eq!(
            emitted(identity),
            *expected,
            "hostile {hostile:?} as the {place}"
        );
    }
}

#[test]
fn the_reference_signature_is_what_this_file_assumes() {
    assert_eq!(hmac_hex(SECRET, EMAIL), SIG);
    assert_eq!(signer().sign(EMAIL).as_str(), SIG);
}

#[test]
fn hostile_table_is_big_enough() {
    assert!(
        HOSTILE.len() >= 40,
        "only {} hostile strings",
        HOSTILE.len()
    );
}

#[test]
fn hostile_strings_in_every_field() {
    for &(hostile, escaped) in HOSTILE {
        assert_everywhere(hostile, escaped);
    }
}

#[test]
fn every_c0_control() {
    for (c, escaped) in C0 {
        assert_everywhere(&c.to_string(), escaped);
        // And surrounded, so an escape that eats a neighbour shows.
        assert_everywhere(&format!("x{c}y"), &format!("x{escaped}y"));
    }
}

#[test]
fn hostile_strings_never_leave_the_script_or_the_string() {
    for &(hostile, _) in HOSTILE {
        for identity in in_each_field(hostile) {
            let call = signer().identify(&identity).unwrap();
            let text = call.as_str();
            let lower = text.to_ascii_lowercase();
            for bad in ["</script", "<!--", "<script", "-->", "\u{2028}", "\u{2029}"] {
                assert!(!lower.contains(bad), "{bad:?} in {text}");
            }
            assert!(!text.chars().any(|c| c < ' '), "raw control in {text:?}");
            assert!(text.is_ascii(), "not ASCII: {text:?}");
            // The object itself has none of the characters that could end
            // or start an HTML attribute or a template substitution.
            let json = call.json();
            for bad in ['<', '>', '&', '\'', '`', '$', ' ', '/', '='] {
                assert!(!json.contains(bad), "{bad:?} in {json}");
            }
        }
    }
}

#[test]
fn everything_at_once() {
    let identity = Identity::new(EMAIL)
        .name("Jane </script> O'Neil")
        .company("A&B \"Co\"")
        .job_title("CTO\u{2028}CEO")
        .avatar("https://example.com/a.png?x=<1>&y='2'")
        .attribute("zeta", true)
        .attribute("Alpha", -42)
        .attribute("beta", AttributeValue::from_f64(1.5).unwrap())
        .attribute("_under", "x\\y")
        .attribute("big", 9_007_199_254_740_991_u64)
        .attribute("9lives", "<")
        .attribute("a-b", false);
    assert_eq!(
        emitted(&identity),
        concat!(
            r#"window.Beacon('identify', {"name":"Jane\u0020\u003c\u002fscript\u003e\u0020O\u0027Neil","#,
            r#""email":"email@email.com","company":"A\u0026B\u0020\"Co\"","jobTitle":"CTO\u2028CEO","#,
            r#""avatar":"https:\u002f\u002fexample.com\u002fa.png?x\u003d\u003c1\u003e\u0026y\u003d\u00272\u0027","#,
            r#""9lives":"\u003c","Alpha":-42,"_under":"x\\y","a-b":false,"beta":1.5,"#,
            r#""big":9007199254740991,"zeta":true,"#,
            r#""signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});"#,
        )
    );
}

#[test]
fn numbers_and_booleans_as_attribute_values() {
    let cases: &[(AttributeValue, &str)] = &[
        (0.into(), "0"),
        ((-1i64).into(), "-1"),
        // JavaScript's exact range, edges included.
        (9_007_199_254_740_991_u64.into(), "9007199254740991"),
        ((-9_007_199_254_740_991_i64).into(), "-9007199254740991"),
        // A float beyond it is read by JavaScript as the same double.
        (
            AttributeValue::from_f64(9_007_199_254_740_993.0).unwrap(),
            "9007199254740992.0",
        ),
        (AttributeValue::from_f64(0.1).unwrap(), "0.1"),
        (AttributeValue::from_f64(100.0).unwrap(), "100.0"),
        (AttributeValue::from_f64(-0.0).unwrap(), "-0.0"),
        (AttributeValue::from_f64(1e21).unwrap(), "1e+21"),
        (AttributeValue::from_f64(1e-7).unwrap(), "1e-7"),
        (
            AttributeValue::from_f64(f64::MAX).unwrap(),
            "1.7976931348623157e+308",
        ),
        (true.into(), "true"),
        (false.into(), "false"),
    ];
    for (value, text) in cases {
        let identity = Identity::new(EMAIL).attribute("n", value.clone());
        assert_eq!(
            emitted(&identity),
            format!(
                r#"window.Beacon('identify', {{"email":"email@email.com","n":{text},"signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}});"#
            ),
            "{value:?}"
        );
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(AttributeValue::from_f64(bad), None);
    }
    // An integer beyond ±(2^53 - 1) is refused under both policies, never
    // emitted as a number JavaScript would read as another one.
    let unsafe_integers: [(AttributeValue, &str); 5] = [
        (9_007_199_254_740_992_u64.into(), "9007199254740992"),
        ((-9_007_199_254_740_992_i64).into(), "-9007199254740992"),
        (i64::MIN.into(), "-9223372036854775808"),
        (i64::MAX.into(), "9223372036854775807"),
        (u64::MAX.into(), "18446744073709551615"),
    ];
    for (value, text) in unsafe_integers {
        for policy in [LimitPolicy::Truncate, LimitPolicy::Strict] {
            let identity = Identity::new(EMAIL).attribute("n", value.clone());
            assert_eq!(
                signer().with_policy(policy).identify(&identity),
                Err(Error::UnsafeInteger {
                    key: "n".to_owned(),
                    value: text.to_owned(),
                    limit: 9_007_199_254_740_991
                }),
                "{value:?} under {policy:?}"
            );
        }
    }
}

#[test]
fn hostile_avatar_urls() {
    let cases = [
        (
            "https://example.com/</script><script>",
            r"https:\u002f\u002fexample.com\u002f\u003c\u002fscript\u003e\u003cscript\u003e",
        ),
        (
            "https://example.com/a?b=1&c='2'#<!--",
            r"https:\u002f\u002fexample.com\u002fa?b\u003d1\u0026c\u003d\u00272\u0027#\u003c!--",
        ),
        (
            r#"http://example.com/"quoted"\back"#,
            r#"http:\u002f\u002fexample.com\u002f\"quoted\"\\back"#,
        ),
        (
            "https://example.com/😀/𝕏",
            r"https:\u002f\u002fexample.com\u002f\ud83d\ude00\u002f\ud835\udd4f",
        ),
        (
            "https://example.com/\u{202e}\u{feff}",
            r"https:\u002f\u002fexample.com\u002f\u202e\ufeff",
        ),
        (
            "https://example.com/?q=${x}`",
            r"https:\u002f\u002fexample.com\u002f?q\u003d\u0024{x}\u0060",
        ),
    ];
    for (avatar, escaped) in cases {
        let identity = Identity::new(EMAIL).avatar(avatar);
        assert_eq!(
            emitted(&identity),
            format!(
                r#"window.Beacon('identify', {{"email":"email@email.com","avatar":"{escaped}","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}});"#
            ),
        );
    }
    // Line terminators, controls and spaces make an avatar invalid, not
    // escaped: left out of the call by default, refused under Strict.
    let without_avatar =
        format!(r#"window.Beacon('identify', {{"email":"email@email.com","signature":"{SIG}"}});"#);
    for avatar in [
        "https://example.com/\u{2028}",
        "https://example.com/\n",
        "https://example.com/\0",
        "https://example.com/a b",
        "javascript:alert(1)",
        "https://",
    ] {
        let identity = Identity::new(EMAIL).avatar(avatar);
        assert_eq!(emitted(&identity), without_avatar, "{avatar:?}");
        assert_eq!(
            signer()
                .with_policy(LimitPolicy::Strict)
                .identify(&identity),
            Err(Error::InvalidAvatar),
            "{avatar:?}"
        );
    }
}

#[test]
fn truncation_happens_before_escaping() {
    let signer = signer();
    // 79 letters then `<>`: the 80th character is `<`, kept and escaped.
    let name = format!("{}<>", "a".repeat(79));
    let call = signer.identify(&Identity::new(EMAIL).name(name)).unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"name":"{}\u003c","email":"email@email.com","signature":"{SIG}"}});"#,
            "a".repeat(79)
        )
    );
    // 61 apostrophes: 60 kept, each six bytes once escaped.
    let company = "'".repeat(61);
    let call = signer
        .identify(&Identity::new(EMAIL).company(company))
        .unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"email":"email@email.com","company":"{}","signature":"{SIG}"}});"#,
            r"\u0027".repeat(60)
        )
    );
    // 61 emoji as jobTitle: each counts 2 UTF-16 code units, as JavaScript
    // counts them, so 30 are kept (60 units), never half of a pair.
    let job = "😀".repeat(61);
    let call = signer
        .identify(&Identity::new(EMAIL).job_title(job))
        .unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"email":"email@email.com","jobTitle":"{}","signature":"{SIG}"}});"#,
            r"\ud83d\ude00".repeat(30)
        )
    );
    // 78 letters and an emoji are exactly 80 units: kept whole.
    let name = format!("{}😀", "a".repeat(78));
    let call = signer.identify(&Identity::new(EMAIL).name(name)).unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"name":"{}\ud83d\ude00","email":"email@email.com","signature":"{SIG}"}});"#,
            "a".repeat(78)
        )
    );
    // 79 letters and an emoji are 81: the emoji goes whole.
    let name = format!("{}😀", "a".repeat(79));
    let call = signer.identify(&Identity::new(EMAIL).name(name)).unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"name":"{}","email":"email@email.com","signature":"{SIG}"}});"#,
            "a".repeat(79)
        )
    );
    // A combining mark past the limit takes its base letter with it: the
    // cut is on a grapheme cluster boundary.
    let name = format!("{}e\u{301}", "a".repeat(79));
    let call = signer.identify(&Identity::new(EMAIL).name(name)).unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"name":"{}","email":"email@email.com","signature":"{SIG}"}});"#,
            "a".repeat(79)
        )
    );
    // So does a family emoji sequence (8 units) as the company: 52 letters
    // fit with it (60 units), 53 do not, and none of its parts is kept
    // alone.
    let family = "👩\u{200d}👩\u{200d}👧";
    let family_escaped = r"\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67";
    for (letters, kept) in [(52, true), (53, false)] {
        let company = format!("{}{family}b", "a".repeat(letters));
        let call = signer
            .identify(&Identity::new(EMAIL).company(company))
            .unwrap();
        let expected = if kept {
            format!("{}{family_escaped}", "a".repeat(letters))
        } else {
            "a".repeat(letters)
        };
        assert_eq!(
            call.to_string(),
            format!(
                r#"window.Beacon('identify', {{"email":"email@email.com","company":"{expected}","signature":"{SIG}"}});"#
            ),
            "{letters} letters"
        );
    }
    // A flag (two regional indicators, 4 units) is one grapheme.
    let job = format!("{}🇫🇷", "a".repeat(57));
    let call = signer
        .identify(&Identity::new(EMAIL).job_title(job))
        .unwrap();
    assert_eq!(
        call.to_string(),
        format!(
            r#"window.Beacon('identify', {{"email":"email@email.com","jobTitle":"{}","signature":"{SIG}"}});"#,
            "a".repeat(57)
        )
    );
    // Strict counts the same units.
    let strict = signer.with_policy(LimitPolicy::Strict);
    assert_eq!(
        strict.identify(&Identity::new(EMAIL).name("😀".repeat(41))),
        Err(Error::TooLong {
            field: helpscout_beacon::Field::Name,
            limit: 80,
            length: 82
        })
    );
    assert!(
        strict
            .identify(&Identity::new(EMAIL).name("😀".repeat(40)))
            .is_ok()
    );
}

/// (hostile email, its JSON-string body), by hand.
const HOSTILE_EMAILS: &[(&str, &str)] = &[
    ("email@email.com", "email@email.com"),
    ("a</script>@x.com", r"a\u003c\u002fscript\u003e@x.com"),
    ("<!--@x.com", r"\u003c!--@x.com"),
    ("\"quoted\"@example.com", r#"\"quoted\"@example.com"#),
    ("o'brien@example.com", r"o\u0027brien@example.com"),
    ("back\\slash@example.com", r"back\\slash@example.com"),
    ("trailing@example.com\\", r"trailing@example.com\\"),
    ("line\u{2028}sep@example.com", r"line\u2028sep@example.com"),
    ("para\u{2029}sep@example.com", r"para\u2029sep@example.com"),
    ("nul\0@example.com", r"nul\u0000@example.com"),
    ("new\nline@example.com\r", r"new\nline@example.com\r"),
    (
        "bell\u{7}\u{7f}@example.com",
        r"bell\u0007\u007f@example.com",
    ),
    (" padded@example.com ", r"\u0020padded@example.com\u0020"),
    ("Email@Email.COM", "Email@Email.COM"),
    ("😀@example.com", r"\ud83d\ude00@example.com"),
    ("a&b<c>@example.com", r"a\u0026b\u003cc\u003e@example.com"),
    ("\u{feff}bom@example.com", r"\ufeffbom@example.com"),
    ("${x}`@example.com", r"\u0024{x}\u0060@example.com"),
    ("a=b/c@example.com", r"a\u003db\u002fc@example.com"),
    ("josé@exämple.com", r"jos\u00e9@ex\u00e4mple.com"),
];

#[test]
fn hostile_emails_are_escaped_and_signed_unaltered() {
    let signer = signer();
    for &(email, escaped) in HOSTILE_EMAILS {
        let signature = hmac_hex(SECRET, email);
        let call = signer.identify(&Identity::new(email)).unwrap();
        assert_eq!(
            call.to_string(),
            format!(
                r#"window.Beacon('identify', {{"email":"{escaped}","signature":"{signature}"}});"#
            ),
            "email {email:?}"
        );
        assert_eq!(call.signature().as_str(), signature);
        assert!(signer.verify(email, &signature));
        // Only the very email that was signed verifies.
        if email != EMAIL {
            assert_ne!(signature, SIG);
        }
        assert!(!signer.verify(&format!("{email} "), &signature));
    }
    // Whitespace and case are signed as given: three different signatures.
    let variants = ["jane@example.com", " jane@example.com", "Jane@example.com"];
    let signatures: Vec<String> = variants.iter().map(|e| hmac_hex(SECRET, e)).collect();
    for (email, signature) in variants.iter().zip(&signatures) {
        assert_eq!(signer.sign(email).as_str(), signature.as_str());
    }
    assert_ne!(signatures[0], signatures[1]);
    assert_ne!(signatures[0], signatures[2]);
}

#[test]
fn a_long_email_is_never_shortened() {
    let email = format!("{}@example.com", "x".repeat(300));
    for policy in [LimitPolicy::Truncate, LimitPolicy::Strict] {
        let call = signer()
            .with_policy(policy)
            .identify(&Identity::new(email.clone()))
            .unwrap();
        assert_eq!(
            call.to_string(),
            format!(
                r#"window.Beacon('identify', {{"email":"{email}","signature":"{}"}});"#,
                hmac_hex(SECRET, &email)
            )
        );
    }
}

#[test]
fn hostile_attribute_keys_are_refused() {
    let signer = signer();
    for key in [
        "",
        "a b",
        "</script>",
        "a\"b",
        "it's",
        "a.b",
        "a\0b",
        "line\u{2028}",
        "ключ",
        "😀",
        "\u{feff}plan",
        "plan\n",
        &"k".repeat(65),
    ] {
        let identity = Identity::new(EMAIL).attribute(key, "v");
        assert_eq!(
            signer.identify(&identity),
            Err(Error::InvalidAttributeKey {
                key: key.to_owned(),
                limit: 64
            }),
            "key {key:?}"
        );
    }
    for key in [
        "name",
        "Email",
        "COMPANY",
        "jobTitle",
        "jobtitle",
        "Avatar",
        "signature",
        "SIGNATURE",
    ] {
        let identity = Identity::new(EMAIL).attribute(key, "v");
        assert_eq!(
            signer.identify(&identity),
            Err(Error::ReservedAttributeKey {
                key: key.to_owned()
            }),
            "key {key:?}"
        );
    }
    // 64 is the longest key, and every character of the alphabet is fine.
    let longest = "k".repeat(64);
    assert!(
        signer
            .identify(&Identity::new(EMAIL).attribute(longest.as_str(), 1))
            .is_ok()
    );
    let alphabet = "ABCXYZabcxyz0189_-";
    assert_eq!(
        emitted(&Identity::new(EMAIL).attribute(alphabet, 1)),
        r#"window.Beacon('identify', {"email":"email@email.com","ABCXYZabcxyz0189_-":1,"signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});"#
    );
}

#[test]
fn hostile_attribute_keys_from_a_user_map_are_refused_too() {
    let user = serde_json::json!({
        "email": EMAIL,
        "attributes": {"</script><script>alert(1)//": "x"},
    });
    let identity: Identity = serde_json::from_value(user).unwrap();
    assert_eq!(
        signer().identify(&identity),
        Err(Error::InvalidAttributeKey {
            key: "</script><script>alert(1)//".to_owned(),
            limit: 64
        })
    );
}

#[test]
fn script_tag_byte_for_byte() {
    let call = signer()
        .identify(&Identity::new(EMAIL).name("</script><!--'"))
        .unwrap();
    assert_eq!(
        call.script_tag(None).unwrap(),
        r#"<script>window.Beacon('identify', {"name":"\u003c\u002fscript\u003e\u003c!--\u0027","email":"email@email.com","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#
    );
    assert_eq!(
        call.script_tag(Some("r4nd0m+/Nonce-_==")).unwrap(),
        r#"<script nonce="r4nd0m+/Nonce-_==">window.Beacon('identify', {"name":"\u003c\u002fscript\u003e\u003c!--\u0027","email":"email@email.com","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"});</script>"#
    );
    assert_eq!(
        call.json(),
        r#"{"name":"\u003c\u002fscript\u003e\u003c!--\u0027","email":"email@email.com","signature":"9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"}"#
    );
    for nonce in [
        "",
        " ",
        "abc def",
        "\"><script>alert(1)</script>",
        "abc'",
        "abc\"",
        "abc<",
        "abc&amp;",
        "abc\u{2028}",
        "abc\0",
        "ab.c",
        "nönce",
    ] {
        assert_eq!(
            call.script_tag(Some(nonce)),
            Err(Error::InvalidNonce),
            "{nonce:?}"
        );
    }
}
