//! User maps built from the hostile corpus (the test model's
//! [`FRAGMENTS`] and [`hostile_strings`]), and identities at Beacon's limits.

use serde_json::{Value, json};

pub use helpscout_beacon_test_model::hostile::{FRAGMENTS, hostile_strings};
use helpscout_beacon_test_model::rules::{AVATAR_LIMIT, LIMITED};

/// Valid avatar URLs that still carry characters the escaper must handle.
pub const AVATARS: &[&str] = &[
    "https://example.com/a.png",
    "https://example.com/a.png?s=80&d=mp",
    "https://example.com/</script><script>alert(1)</script>.png",
    "https://example.com/it's.png",
    "http://example.com/<!--",
    "https://example.com/a.png?q=\"quoted\"&r=\\",
    "https://exämple.com/ü/😀.png",
];

/// User maps built from the hostile strings, every optional field absent
/// and present, with custom attributes and keys that must be ignored,
/// followed by [`limit_users`]. Each map is valid under the default policy,
/// and every hostile string is in an emitted field of at least one of them.
pub fn users() -> Vec<Value> {
    let mut users = hostile_users();
    users.extend(limit_users());
    users
}

/// Units that long strings are made of: ASCII, two-byte, astral (two UTF-16
/// code units), escaped by the script-safe encoder, a line terminator, a
/// backslash, a letter with a combining mark (two characters in one
/// grapheme cluster, which truncation must keep whole), and a family emoji
/// (five characters, eight code units, one cluster).
const LONG_UNITS: [&str; 8] = [
    "a",
    "é",
    "😀",
    "<",
    "\u{2028}",
    "\\",
    "e\u{301}",
    "👩\u{200d}👩\u{200d}👧",
];

/// Identities at and around each of Beacon's limits, valid under the
/// default policy: `name` (80), `company` and `jobTitle` (60) at one below,
/// at, one above and twice their limit in each of several units; avatar
/// URLs of 199, 200 and 201 UTF-16 code units and a relative one (the last
/// two left out under the default policy); 30 custom attributes with 64-character
/// keys (and keys that JavaScript orders as array indices); a very long
/// email and a very long attribute value.
pub fn limit_users() -> Vec<Value> {
    let mut users = Vec::new();
    for (field, limit) in LIMITED {
        for unit in LONG_UNITS {
            for len in [limit - 1, limit, limit + 1, 2 * limit] {
                let mut user = json!({"email": format!("limit{}@example.com", users.len())});
                user[field] = Value::String(unit.repeat(len));
                users.push(user);
            }
        }
    }
    // Avatars of 199, 200 and 201 UTF-16 code units (the last one left out
    // under the default policy), and a relative one (left out too).
    let base = "https://example.com/";
    for len in [AVATAR_LIMIT - 1, AVATAR_LIMIT, AVATAR_LIMIT + 1] {
        let mut avatar = base.to_owned();
        for c in "</script>😀'\"&\\\u{200f}`${}=/".chars().cycle() {
            if avatar.encode_utf16().count() + c.len_utf16() > len {
                break;
            }
            avatar.push(c);
        }
        while avatar.encode_utf16().count() < len {
            avatar.push('a');
        }
        users.push(json!({"email": "avatar@example.com", "name": "</script>", "avatar": avatar}));
    }
    users.push(json!({"email": "relative@example.com", "avatar": "/avatars/</script>.png"}));
    let mut attributes = serde_json::Map::new();
    for k in 0..30 {
        let key = match k {
            0..4 => ["0", "1", "10", "2"][k].to_owned(),
            _ => format!("{k:02}-{}", "_".repeat(61)),
        };
        let value = match k % 4 {
            0 => json!(format!("</script>{}\u{2028}", "😀".repeat(k))),
            1 => json!(k as f64 + 0.25),
            2 => json!(k % 3 == 0),
            _ => json!(-(k as i64)),
        };
        attributes.insert(key, value);
    }
    users.push(json!({"email": "thirty@example.com", "attributes": attributes}));
    let long: String = FRAGMENTS.concat().repeat(20);
    users.push(json!({"email": format!("{long}@example.com"), "name": "long email"}));
    users.push(json!({"email": "long-value@example.com", "attributes": {"note": long}}));
    users
}

/// The user maps built from the hostile strings alone.
fn hostile_users() -> Vec<Value> {
    hostile_strings()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let email = format!("user{i}@example.com");
            let avatar = AVATARS[i % AVATARS.len()];
            match i % 8 {
                0 => json!({"email": email, "name": s}),
                1 => json!({"email": email, "company": s, "jobTitle": "CTO"}),
                2 => json!({"email": email, "name": "Jane", "jobTitle": s}),
                3 => json!({"email": format!("{s}+{i}@example.com"), "name": s}),
                4 => json!({
                    "email": email, "name": s, "company": s, "jobTitle": s, "avatar": avatar,
                }),
                5 => json!({
                    "email": email,
                    "attributes": {"note": s, "seats": i, "beta": i % 2 == 0, "ratio": 1.5, "z-last": -7},
                }),
                6 => json!({"email": email, "name": null, "avatar": avatar, "attributes": {"plan": s}}),
                _ => json!({
                    "email": s, "password_hash": s, "token": "tok_secret", "company": null,
                    "attributes": null,
                }),
            }
        })
        .collect()
}
