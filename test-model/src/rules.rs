//! Beacon's rules as expectations: the limits, the truncation rule, the
//! avatar rule, the attribute keys, the nonce grammar, padded secrets and
//! the signature. Written out from Help Scout's documentation and the
//! README, never read from the core.

use hmac::{KeyInit, Mac, SimpleHmac};
use sha2::Sha256;
use unicode_segmentation::UnicodeSegmentation;

/// Beacon's identify fields in the call's order, as Help Scout documents
/// them: each one's name and the longest value Beacon keeps, in UTF-16 code
/// units (0: no limit of its own; the email is never cut, the signature is
/// always 64 characters).
pub const FIELDS: [(&str, usize); 6] = [
    ("name", 80),
    ("email", 0),
    ("company", 60),
    ("jobTitle", 60),
    ("avatar", 200),
    ("signature", 0),
];
/// Custom attributes: how many one call keeps, the longest key (in bytes;
/// keys are ASCII) and the largest integer JavaScript reads exactly
/// (`Number.MAX_SAFE_INTEGER`, 2^53 - 1; beyond ± this is refused).
pub const ATTRIBUTE_RULES: (usize, usize, u64) = (30, 64, 9_007_199_254_740_991);

/// Longest `name`, from [`FIELDS`].
pub const NAME_LIMIT: usize = FIELDS[0].1;
/// Longest `company`, from [`FIELDS`].
pub const COMPANY_LIMIT: usize = FIELDS[2].1;
/// Longest `jobTitle`, from [`FIELDS`].
pub const JOB_TITLE_LIMIT: usize = FIELDS[3].1;
/// Longest `avatar` URL, from [`FIELDS`].
pub const AVATAR_LIMIT: usize = FIELDS[4].1;
/// Most custom attributes, from [`ATTRIBUTE_RULES`].
pub const ATTRIBUTES_LIMIT: usize = ATTRIBUTE_RULES.0;
/// Longest custom attribute key, from [`ATTRIBUTE_RULES`].
pub const KEY_LIMIT: usize = ATTRIBUTE_RULES.1;
/// `Number.MAX_SAFE_INTEGER`, from [`ATTRIBUTE_RULES`].
pub const MAX_SAFE: u64 = ATTRIBUTE_RULES.2;
/// The fields that are cut to a limit, by their name in the call.
pub const LIMITED: [(&str, usize); 3] = [FIELDS[0], FIELDS[2], FIELDS[3]];
/// Beacon's own field names, which no custom attribute may take (in any
/// case).
pub const RESERVED: [&str; 6] = [
    FIELDS[0].0,
    FIELDS[1].0,
    FIELDS[2].0,
    FIELDS[3].0,
    FIELDS[4].0,
    FIELDS[5].0,
];

/// A string's length as JavaScript's `String.length` counts it: UTF-16
/// code units.
pub fn utf16_len(value: &str) -> usize {
    value.encode_utf16().count()
}

/// The default policy's cut: the value when within `limit` UTF-16 code
/// units, else its longest prefix of whole extended grapheme clusters
/// within the limit.
pub fn truncate(value: &str, limit: usize) -> String {
    let mut kept = String::new();
    let mut units = 0;
    for cluster in value.graphemes(true) {
        units += utf16_len(cluster);
        if units > limit {
            break;
        }
        kept.push_str(cluster);
    }
    kept
}

/// The limit of a limited field (`name`, `company`, `jobTitle`).
pub fn limit_of(field: &str) -> Option<usize> {
    LIMITED.iter().find(|(k, _)| *k == field).map(|(_, l)| *l)
}

/// Whether the default policy keeps `avatar` (it leaves out any other, and
/// the strict policy refuses it): at most [`AVATAR_LIMIT`] UTF-16 code
/// units, no whitespace or control character anywhere, `http://` or
/// `https://` (in any case) followed by a non-empty authority without `\`,
/// and a URL the WHATWG parser (the `url` crate) reads with a non-empty
/// host.
pub fn avatar_kept(avatar: &str) -> bool {
    utf16_len(avatar) <= AVATAR_LIMIT
        && !avatar.chars().any(|c| c.is_whitespace() || c.is_control())
        && plain_authority(avatar)
        && url::Url::parse(avatar).is_ok_and(|url| url.host_str().is_some_and(|h| !h.is_empty()))
}

/// `http://` or `https://` in any case, then an authority that is not empty
/// and has no `\` (which parsers forgive by guessing another host).
fn plain_authority(avatar: &str) -> bool {
    let lower = avatar.to_ascii_lowercase();
    ["http://", "https://"].iter().any(|scheme| {
        lower.strip_prefix(scheme).is_some_and(|rest| {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            !authority.is_empty() && !authority.contains('\\')
        })
    })
}

/// A custom attribute key as Beacon takes it: 1 to [`KEY_LIMIT`] of
/// `A-Z a-z 0-9 _ -`.
pub fn plain_key(key: &str) -> bool {
    (1..=KEY_LIMIT).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A Beacon field name in any case, or `__proto__` (which a JavaScript
/// object literal turns into the prototype instead of a property).
pub fn reserved_key(key: &str) -> bool {
    key == "__proto__" || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(key))
}

/// Whether JavaScript reads this number as the same value: any float, and
/// an integer within ±(2^53 - 1).
pub fn js_exact(n: &serde_json::Number) -> bool {
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => u <= MAX_SAFE,
        (None, Some(i)) => i.unsigned_abs() <= MAX_SAFE,
        (None, None) => true,
    }
}

/// The CSP grammar's `base64-value`: one or more of `A-Z a-z 0-9 + / - _`,
/// then at most two `=`.
pub fn valid_nonce(nonce: &str) -> bool {
    let body = nonce.trim_end_matches('=');
    nonce.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// Whether a secret starts or ends with whitespace: Unicode's `White_Space`
/// when it is UTF-8, else ASCII's and the vertical tab.
pub fn padded(secret: &[u8]) -> bool {
    match std::str::from_utf8(secret) {
        Ok(text) => text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace),
        Err(_) => {
            let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
            secret.first().is_some_and(space) || secret.last().is_some_and(space)
        }
    }
}

/// The signature Beacon's Secure Mode wants: the lower-case hex
/// HMAC-SHA256 of `email` keyed with `secret`, through the `hmac` crate's
/// `SimpleHmac` (not the block-level `HmacCore` the core signs with).
pub fn signature(secret: impl AsRef<[u8]>, email: &str) -> String {
    let mut mac = <SimpleHmac<Sha256> as KeyInit>::new_from_slice(secret.as_ref())
        .expect("HMAC takes a key of any length");
    mac.update(email.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_help_scouts_example() {
        // Help Scout's documented example key and email.
        assert_eq!(
            signature("secret_key_from_beacon_config", "email@email.com"),
            "9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"
        );
    }

    #[test]
    fn truncation_keeps_whole_grapheme_clusters_within_utf16_units() {
        let family = "👩\u{200d}👩\u{200d}👧"; // 8 UTF-16 code units, one cluster
        assert_eq!(utf16_len(family), 8);
        assert_eq!(
            truncate(&format!("{}{family}", "a".repeat(55)), 60),
            "a".repeat(55)
        );
        assert_eq!(
            truncate(&format!("{}{family}", "a".repeat(52)), 60).len(),
            52 + family.len()
        );
        assert_eq!(truncate(&"e\u{301}".repeat(41), 80), "e\u{301}".repeat(40));
        assert_eq!(truncate(&"a".repeat(80), 80), "a".repeat(80));
        assert_eq!(truncate("😀😀", 3), "😀");
        assert_eq!(limit_of("jobTitle"), Some(60));
        assert_eq!(limit_of("email"), None);
    }

    #[test]
    fn avatars_the_default_policy_leaves_out() {
        let long = format!("https://example.com/{}", "😀".repeat(91));
        assert_eq!(utf16_len(&long), 202);
        for bad in [
            "/relative.png",
            "javascript:alert(1)",
            "https:///x",
            "https:\\\\evil.example/x",
            "https://e x.example/",
            "https://example.com/a\tb",
            "ftp://example.com/a.png",
            long.as_str(),
        ] {
            assert!(!avatar_kept(bad), "{bad}");
        }
        for good in [
            "https://example.com/a.png",
            "HTTP://EXAMPLE.COM",
            "https://exämple.com/ü/😀.png",
            "https://[::1]/a",
        ] {
            assert!(avatar_kept(good), "{good}");
        }
    }

    #[test]
    fn keys_nonces_numbers_and_secrets() {
        assert!(plain_key("a-_9") && plain_key(&"k".repeat(64)));
        assert!(!plain_key("") && !plain_key(&"k".repeat(65)) && !plain_key("a b"));
        assert!(reserved_key("JOBTITLE") && reserved_key("__proto__"));
        assert!(!reserved_key("__PROTO__") && !reserved_key("plan"));
        assert!(valid_nonce("r4nd0m+/-_NONCE==") && !valid_nonce("a===") && !valid_nonce("="));
        assert!(js_exact(&MAX_SAFE.into()) && !js_exact(&(MAX_SAFE + 1).into()));
        assert!(js_exact(&(-(MAX_SAFE as i64)).into()));
        assert!(!js_exact(&(-(MAX_SAFE as i64) - 1).into()));
        assert!(padded(b" k") && padded("k\u{3000}".as_bytes()) && padded(b"\xff\x0b"));
        assert!(!padded(b"k") && !padded(b"\xff\x85"));
    }
}
