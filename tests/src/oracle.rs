//! What the page should hand to `window.Beacon`, worked out from the user
//! map without the core: its own truncation, its own avatar check, its own
//! field order, and the signature from the `hmac` crate's `SimpleHmac` (not
//! the block-level `HmacCore` the core signs with).

use hmac::{KeyInit, Mac, SimpleHmac};
use serde_json::Value;
use sha2::Sha256;
use unicode_segmentation::UnicodeSegmentation;

/// Beacon's length limits in UTF-16 code units (JavaScript's
/// `String.length`), written out again here rather than read from the core.
pub const LIMITS: [(&str, usize); 3] = [("name", 80), ("company", 60), ("jobTitle", 60)];

/// The longest avatar URL Beacon keeps, in UTF-16 code units.
pub const AVATAR_LIMIT: usize = 200;

/// `value`'s length as JavaScript counts it: UTF-16 code units.
pub fn js_length(value: &str) -> usize {
    value.encode_utf16().count()
}

/// The lower-case hex HMAC-SHA256 of `email` keyed with `secret`.
pub fn signature(secret: &str, email: &str) -> String {
    let mut mac = <SimpleHmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(email.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `value` as the default policy keeps it: whole when it is at most
/// `limit` UTF-16 code units, else its longest prefix of whole extended
/// grapheme clusters that fits in `limit` units.
pub fn truncate(value: &str, limit: usize) -> String {
    let mut kept = String::new();
    for cluster in value.graphemes(true) {
        if js_length(&kept) + js_length(cluster) > limit {
            break;
        }
        kept.push_str(cluster);
    }
    kept
}

/// Whether the default policy keeps `avatar` (it leaves out any other): an
/// `http://` or `https://` URL (scheme in any case) of at most
/// [`AVATAR_LIMIT`] UTF-16 code units, with a non-empty authority written
/// out (no `\` in it), and no whitespace or control character anywhere.
/// The strings the generators make are URLs the `url` crate accepts when
/// they pass this.
pub fn avatar_kept(avatar: &str) -> bool {
    let lower = avatar.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    js_length(avatar) <= AVATAR_LIMIT
        && !authority.is_empty()
        && !authority.contains('\\')
        && !avatar.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The identify object for `user` under the default policy, as ordered
/// `(key, value)` pairs without the signature: `name`, `email`, `company`,
/// `jobTitle`, `avatar` (unless [`avatar_kept`] leaves it out), then the
/// non-null custom attributes in key order. `null` fields are absent and
/// every other key of `user` is ignored.
///
/// # Panics
/// When `user` has no string `email`, or uses `job_title` (the generators
/// here never do, so the oracle need not know which spelling wins).
pub fn expected_fields(user: &Value) -> Vec<(String, Value)> {
    assert!(user.get("job_title").is_none(), "oracle: use jobTitle");
    let email = user["email"].as_str().expect("oracle: a string email");
    let limited = |key: &str| -> Option<(String, Value)> {
        let value = user.get(key)?.as_str()?;
        let limit = LIMITS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l);
        let value = limit.map_or_else(|| value.to_owned(), |l| truncate(value, l));
        Some((key.to_owned(), Value::String(value)))
    };
    let mut fields = Vec::new();
    fields.extend(limited("name"));
    fields.push(("email".to_owned(), Value::String(email.to_owned())));
    for key in ["company", "jobTitle"] {
        fields.extend(limited(key));
    }
    if let Some(avatar) = user.get("avatar").and_then(Value::as_str)
        && avatar_kept(avatar)
    {
        fields.push(("avatar".to_owned(), Value::String(avatar.to_owned())));
    }
    if let Some(Value::Object(attributes)) = user.get("attributes") {
        let mut attributes: Vec<_> = attributes
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        attributes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        fields.extend(attributes);
    }
    fields
}

/// [`expected_fields`] with the signature last, as emitted.
pub fn expected_object(user: &Value, secret: &str) -> Vec<(String, Value)> {
    let mut fields = expected_fields(user);
    let email = user["email"].as_str().expect("oracle: a string email");
    fields.push((
        "signature".to_owned(),
        Value::String(signature(secret, email)),
    ));
    fields
}

/// The order JavaScript's `Object.keys` gives an object literal with
/// these keys in this order: array-index keys (canonical decimal numbers
/// below 2^32 - 1) first in ascending numeric order, then the rest in
/// insertion order.
pub fn js_key_order<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let index = |key: &str| {
        key.parse::<u32>()
            .ok()
            .filter(|n| *n != u32::MAX && n.to_string() == key)
    };
    let (mut indices, rest): (Vec<&str>, Vec<&str>) =
        keys.into_iter().partition(|k| index(k).is_some());
    indices.sort_by_key(|k| index(k));
    indices.into_iter().chain(rest).map(str::to_owned).collect()
}

/// JSON values equal as JavaScript sees them: numbers by their double
/// value (a JavaScript round trip turns `2.0` into `2`), everything else
/// exactly.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truncation_keeps_whole_grapheme_clusters_within_utf16_units() {
        let family = "👩\u{200d}👩\u{200d}👧"; // 8 UTF-16 code units, one cluster
        assert_eq!(js_length(family), 8);
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
    }

    #[test]
    fn avatars_the_default_policy_leaves_out() {
        let long = format!("https://example.com/{}", "😀".repeat(91));
        assert_eq!(js_length(&long), 202);
        for bad in [
            "/relative.png",
            "javascript:alert(1)",
            "https:///x",
            "https:\\\\evil.example/x",
            "https://e x.example/",
            "https://example.com/a\tb",
            long.as_str(),
        ] {
            assert!(!avatar_kept(bad), "{bad}");
        }
        for good in [
            "https://example.com/a.png",
            "HTTP://EXAMPLE.COM",
            "https://exämple.com/ü/😀.png",
        ] {
            assert!(avatar_kept(good), "{good}");
        }
    }

    #[test]
    fn signature_matches_help_scouts_example() {
        // Help Scout's documented example key and email.
        assert_eq!(
            signature("secret_key_from_beacon_config", "email@email.com"),
            "9afe726c978e4a5acc34dbc68da4f518850c5d5c9d9f75afd1b3fed8755838b2"
        );
    }

    #[test]
    fn fields_in_beacon_order_with_truncation() {
        let user = json!({
            "attributes": {"b": 1, "a": null, "10": true, "2": "x"},
            "avatar": "https://e.x/a", "company": "é".repeat(61), "email": "e@x",
            "name": "😀".repeat(81), "password_hash": "h", "jobTitle": null,
        });
        let keys: Vec<String> = expected_fields(&user).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["name", "email", "company", "avatar", "10", "2", "b"]);
        // 81 emoji are 162 UTF-16 code units: 40 fit in 80.
        assert_eq!(expected_fields(&user)[0].1, json!("😀".repeat(40)));
        assert_eq!(expected_fields(&user)[2].1, json!("é".repeat(60)));
        assert_eq!(
            js_key_order(keys.iter().map(String::as_str)),
            ["2", "10", "name", "email", "company", "avatar", "b"]
        );
        assert_eq!(
            js_key_order(["01", "4294967295", "a"]),
            ["01", "4294967295", "a"]
        );
    }
}
