//! What the page should hand to `window.Beacon`: the test model's expected
//! object (`helpscout-beacon-test-model`, which works it out from the user
//! map without the core: its own truncation, avatar rule, field order, and
//! the signature from `hmac`'s `SimpleHmac`), and what JavaScript makes of
//! an object literal.

use serde_json::Value;

pub use helpscout_beacon_test_model::model::{expected_fields, expected_object};
pub use helpscout_beacon_test_model::rules::signature;

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

    #[test]
    fn javascript_orders_array_index_keys_first() {
        assert_eq!(
            js_key_order(["name", "email", "10", "2", "b"]),
            ["2", "10", "name", "email", "b"]
        );
        assert_eq!(
            js_key_order(["01", "4294967295", "a"]),
            ["01", "4294967295", "a"]
        );
        assert!(same_value(&serde_json::json!(2.0), &serde_json::json!(2)));
    }
}
