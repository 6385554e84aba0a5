//! What the page should hand to `window.Beacon`, worked out from the user
//! map without the core: its own truncation, its own field order, and the
//! signature from the `hmac` crate's `SimpleHmac` (not the block-level
//! `HmacCore` the core signs with).

use hmac::{KeyInit, Mac, SimpleHmac};
use serde_json::Value;
use sha2::Sha256;

/// Beacon's length limits in characters, written out again here rather
/// than read from the core.
pub const LIMITS: [(&str, usize); 3] = [("name", 80), ("company", 60), ("jobTitle", 60)];

/// The lower-case hex HMAC-SHA256 of `email` keyed with `secret`.
pub fn signature(secret: &str, email: &str) -> String {
    let mut mac = <SimpleHmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(email.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The first `limit` Unicode scalar values of `value`.
pub fn truncate(value: &str, limit: usize) -> String {
    value.chars().take(limit).collect()
}

/// The identify object for `user` under the default policy, as ordered
/// `(key, value)` pairs without the signature: `name`, `email`, `company`,
/// `jobTitle`, `avatar`, then the non-null custom attributes in key order.
/// `null` fields are absent and every other key of `user` is ignored.
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
    for key in ["company", "jobTitle", "avatar"] {
        fields.extend(limited(key));
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
        assert_eq!(expected_fields(&user)[0].1, json!("😀".repeat(80)));
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
