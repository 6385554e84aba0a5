//! A small model of the README's "Error policy": what a user map or the
//! template arguments read as, field by field, and the identify call the
//! default policy makes of a user. It never asks the core.

use std::collections::BTreeMap;

use crate::escape::call_text;
use crate::json::{Json, reparse};
use crate::rules::{self, ATTRIBUTES_LIMIT, js_exact};

/// The keys `beacon_identify`'s arguments take: the user map's
/// ([`USER_KEYS`]), then `nonce`.
pub const ARGUMENT_KEYS: &[&str] = &[
    "email",
    "name",
    "company",
    "jobTitle",
    "job_title",
    "avatar",
    "attributes",
    "nonce",
];
/// The keys a user map is read by; any other is ignored.
pub const USER_KEYS: &[&str] = ARGUMENT_KEYS.split_at(7).0;

/// An identity as the README's "Error policy" describes it, field by field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    /// `email`
    pub email: String,
    /// `name`
    pub name: Option<String>,
    /// `company`
    pub company: Option<String>,
    /// `jobTitle`
    pub job_title: Option<String>,
    /// `avatar`
    pub avatar: Option<String>,
    /// The custom attributes: strings, numbers and booleans.
    pub attributes: BTreeMap<String, Json>,
}

impl Model {
    /// The identity as a JSON user map (absent fields left out).
    pub fn to_json(&self) -> Json {
        let mut entries = vec![("email".to_owned(), Json::String(self.email.clone()))];
        let fields = [
            ("name", &self.name),
            ("company", &self.company),
            ("jobTitle", &self.job_title),
            ("avatar", &self.avatar),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                entries.push((key.to_owned(), Json::String(value.clone())));
            }
        }
        let attributes = self.attributes.iter().map(|(k, v)| (k.clone(), v.clone()));
        entries.push(("attributes".to_owned(), Json::Object(attributes.collect())));
        Json::Object(entries)
    }

    /// The same with every number as serde_json reads back its own text.
    pub fn reparsed(&self) -> Model {
        let mut model = self.clone();
        for value in model.attributes.values_mut() {
            if let Json::Number(n) = value {
                *n = reparse(n);
            }
        }
        model
    }

    /// Whether any of the strings holds `needle`.
    pub fn mentions(&self, needle: char) -> bool {
        let fields = [&self.name, &self.company, &self.job_title, &self.avatar];
        std::iter::once(&self.email)
            .chain(fields.into_iter().flatten())
            .chain(self.attributes.iter().flat_map(|(k, v)| match v {
                Json::String(s) => vec![k, s],
                _ => vec![k],
            }))
            .any(|s| s.contains(needle))
    }

    /// Whether the strict policy takes the limited fields and the avatar
    /// as they are (what the default policy would cut or leave out).
    pub fn within_limits(&self) -> bool {
        let limited = [
            (&self.name, rules::NAME_LIMIT),
            (&self.company, rules::COMPANY_LIMIT),
            (&self.job_title, rules::JOB_TITLE_LIMIT),
        ];
        limited
            .iter()
            .all(|(v, limit)| v.as_deref().is_none_or(|v| rules::utf16_len(v) <= *limit))
            && self.avatar.as_deref().is_none_or(rules::avatar_kept)
    }

    /// The entries of the identify object under the default policy, without
    /// the signature: `name`, `email`, `company`, `jobTitle` (each cut by
    /// [`rules::truncate`]), `avatar` (unless [`rules::avatar_kept`] leaves
    /// it out), then the custom attributes in key order.
    pub fn expected_fields(&self) -> Vec<(String, Json)> {
        let string =
            |key: &str, value: Option<String>| value.map(|v| (key.to_owned(), Json::String(v)));
        let cut = |key: &str, value: &Option<String>| {
            let limit = rules::limit_of(key).expect("a limited field");
            string(key, value.as_deref().map(|v| rules::truncate(v, limit)))
        };
        let mut fields = Vec::new();
        fields.extend(cut("name", &self.name));
        fields.push(("email".to_owned(), Json::String(self.email.clone())));
        fields.extend(cut("company", &self.company));
        fields.extend(cut("jobTitle", &self.job_title));
        let avatar = self.avatar.clone().filter(|a| rules::avatar_kept(a));
        fields.extend(string("avatar", avatar));
        fields.extend(self.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
        fields
    }

    /// [`Model::expected_fields`] with the signature last, as emitted.
    pub fn expected_entries(&self, secret: impl AsRef<[u8]>) -> Vec<(String, Json)> {
        let mut entries = self.expected_fields();
        let signature = rules::signature(secret, &self.email);
        entries.push(("signature".to_owned(), Json::String(signature)));
        entries
    }

    /// The call's whole text under the default policy, byte for byte.
    pub fn expected_call(&self, secret: impl AsRef<[u8]>) -> String {
        call_text(&self.expected_entries(secret))
    }
}

/// The identify object a serde_json user map makes under the default
/// policy, without the signature: see [`Model::expected_fields`].
///
/// # Panics
/// When the model reads `user` as an error (no string email, a value of the
/// wrong type, …).
pub fn expected_fields(user: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let model = match model_identity(&Json::from_value(user)) {
        Some(Some(model)) => model,
        _ => panic!("the model reads {user} as an error"),
    };
    to_values(model.expected_fields())
}

/// [`expected_fields`] with the signature last, as emitted.
///
/// # Panics
/// As [`expected_fields`].
pub fn expected_object(user: &serde_json::Value, secret: &str) -> Vec<(String, serde_json::Value)> {
    let mut fields = expected_fields(user);
    let email = user["email"].as_str().expect("a string email");
    let signature = rules::signature(secret, email);
    fields.push(("signature".to_owned(), serde_json::Value::String(signature)));
    fields
}

fn to_values(entries: Vec<(String, Json)>) -> Vec<(String, serde_json::Value)> {
    entries
        .into_iter()
        .map(|(k, v)| (k, v.to_value()))
        .collect()
}

/// Template arguments as the README describes them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArgsModel {
    /// `email`
    pub email: Option<String>,
    /// `name`
    pub name: Option<String>,
    /// `company`
    pub company: Option<String>,
    /// `jobTitle` (or `job_title`)
    pub job_title: Option<String>,
    /// `avatar`
    pub avatar: Option<String>,
    /// `attributes`, added over the input's.
    pub attributes: BTreeMap<String, Json>,
    /// `nonce`
    pub nonce: Option<String>,
}

impl ArgsModel {
    /// The arguments over the input: `None` when neither gives an email.
    pub fn apply(&self, input: Option<&Model>) -> Option<Model> {
        let mut model = match (input, &self.email) {
            (Some(input), _) => input.clone(),
            (None, Some(_)) => Model::default(),
            (None, None) => return None,
        };
        if let Some(email) = &self.email {
            model.email.clone_from(email);
        }
        let optional = [
            (&mut model.name, &self.name),
            (&mut model.company, &self.company),
            (&mut model.job_title, &self.job_title),
            (&mut model.avatar, &self.avatar),
        ];
        for (field, value) in optional {
            if value.is_some() {
                field.clone_from(value);
            }
        }
        model.attributes.extend(self.attributes.clone());
        Some(model)
    }
}

/// The fields of a user map or of template arguments, read in order (the
/// last of a duplicate key wins).
#[derive(Default)]
struct Fields {
    email: Option<String>,
    name: Option<String>,
    company: Option<String>,
    job_title: Option<String>,
    avatar: Option<String>,
    attributes: Option<BTreeMap<String, Json>>,
    nonce: Option<Json>,
    /// A `nonce` was a list or a map: an argument's error at once, whatever
    /// nonce comes after (a user's `nonce` is skipped unread).
    nonce_not_scalar: bool,
    unknown_key: bool,
}

/// The job title's two spellings, `jobTitle` and `job_title`, as read.
#[derive(Default)]
struct JobTitle {
    /// The last value of each spelling (`Some(None)` for a last `null`).
    camel: Option<Option<String>>,
    snake: Option<Option<String>>,
}

impl JobTitle {
    /// The README's rule: each spelling's last value counts, `null` is
    /// absent, both present and different is an error (`Err`), else the
    /// one given, whatever the order of the keys.
    fn resolve(self) -> Result<Option<String>, ()> {
        match (self.camel.flatten(), self.snake.flatten()) {
            (Some(a), Some(b)) if a != b => Err(()),
            (a, b) => Ok(a.or(b)),
        }
    }
}

/// The fields, or `None` when the map is an error: a value of the wrong
/// type, a bad `attributes` map, or two spellings with different values.
fn read_fields(entries: &[(String, Json)]) -> Option<Fields> {
    let mut fields = Fields::default();
    let mut job_title = JobTitle::default();
    for (key, value) in entries {
        let string = || match value {
            Json::Null => Some(None),
            Json::String(s) => Some(Some(s.clone())),
            _ => None,
        };
        let slot = match key.as_str() {
            "email" => &mut fields.email,
            "name" => &mut fields.name,
            "company" => &mut fields.company,
            "jobTitle" => {
                job_title.camel = Some(string()?);
                continue;
            }
            "job_title" => {
                job_title.snake = Some(string()?);
                continue;
            }
            "avatar" => &mut fields.avatar,
            "attributes" => {
                fields.attributes = Some(read_attributes(value)?);
                continue;
            }
            "nonce" => {
                fields.nonce_not_scalar |= matches!(value, Json::Array(_) | Json::Object(_));
                fields.nonce = Some(value.clone());
                continue;
            }
            _ => {
                fields.unknown_key = true;
                continue;
            }
        };
        *slot = string()?;
    }
    fields.job_title = job_title.resolve().ok()?;
    Some(fields)
}

/// `null` is no attributes; in a map a `null` value is skipped, strings,
/// numbers (integers within ±(2^53 - 1)) and booleans are kept, anything
/// else is an error, and so is a 31st key with a value.
fn read_attributes(value: &Json) -> Option<BTreeMap<String, Json>> {
    let mut attributes = BTreeMap::new();
    match value {
        Json::Null => {}
        Json::Object(entries) => {
            for (key, value) in entries {
                let value = match value {
                    Json::Null => continue,
                    Json::Bool(b) => Json::Bool(*b),
                    Json::Number(n) if js_exact(n) => Json::Number(n.clone()),
                    Json::String(s) => Json::String(s.clone()),
                    Json::Number(_) | Json::Array(_) | Json::Object(_) => return None,
                };
                attributes.insert(key.clone(), value);
                if attributes.len() > ATTRIBUTES_LIMIT {
                    return None;
                }
            }
        }
        _ => return None,
    }
    Some(attributes)
}

/// A user: an email string, or a map with an email (other keys ignored).
/// `Some(None)` for an error; `None` when the model has no opinion.
pub fn model_identity(doc: &Json) -> Option<Option<Model>> {
    match doc {
        Json::String(email) => Some(Some(Model {
            email: email.clone(),
            ..Model::default()
        })),
        Json::Object(entries) => {
            let Some(fields) = read_fields(entries) else {
                return Some(None);
            };
            let Some(email) = fields.email else {
                return Some(None);
            };
            Some(Some(Model {
                email,
                name: fields.name,
                company: fields.company,
                job_title: fields.job_title,
                avatar: fields.avatar,
                attributes: fields.attributes.unwrap_or_default(),
            }))
        }
        _ => Some(None),
    }
}

/// Template arguments: a map of Beacon's fields and a string `nonce`; an
/// unknown key or a `null` nonce is an error. `Some(None)` for an error;
/// `None` when the model has no opinion.
pub fn model_args(doc: &Json) -> Option<Option<ArgsModel>> {
    let Json::Object(entries) = doc else {
        return Some(None);
    };
    let Some(fields) = read_fields(entries) else {
        return Some(None);
    };
    if fields.unknown_key || fields.nonce_not_scalar {
        return Some(None);
    }
    let nonce = match fields.nonce {
        None => None,
        Some(Json::String(nonce)) => Some(nonce),
        Some(_) => return Some(None),
    };
    Some(Some(ArgsModel {
        email: fields.email,
        name: fields.name,
        company: fields.company,
        job_title: fields.job_title,
        avatar: fields.avatar,
        attributes: fields.attributes.unwrap_or_default(),
        nonce,
    }))
}

/// The arguments of `beacon_logout` as the README describes them:
/// `endActiveChat` (or `end_active_chat`; a boolean, `null` is `false`, each
/// spelling's last value counts, both given and different is an error) and
/// `nonce` (a string; `null` is an error); any other key is an error.
/// `Some(None)` for an error; `None` when the model has no opinion (`null`,
/// which an engine may read as no arguments).
pub fn model_logout(doc: &Json) -> Option<Option<(bool, Option<String>)>> {
    let entries = match doc {
        Json::Null => return None,
        Json::Object(entries) => entries,
        _ => return Some(None),
    };
    let (mut camel, mut snake, mut nonce) = (None, None, None);
    for (key, value) in entries {
        let slot = match key.as_str() {
            "endActiveChat" => &mut camel,
            "end_active_chat" => &mut snake,
            "nonce" => {
                let Json::String(value) = value else {
                    return Some(None);
                };
                nonce = Some(value.clone());
                continue;
            }
            _ => return Some(None),
        };
        *slot = match value {
            Json::Null => Some(None),
            Json::Bool(b) => Some(Some(*b)),
            _ => return Some(None),
        };
    }
    let end = match (camel.flatten(), snake.flatten()) {
        (Some(a), Some(b)) if a != b => return Some(None),
        (a, b) => a.or(b).unwrap_or(false),
    };
    Some(Some((end, nonce)))
}

/// The text `beacon_logout` gives for these arguments: the call, wrapped in
/// `<script nonce="…">` when there is a nonce; `None` for an invalid nonce.
pub fn expected_logout(end_active_chat: bool, nonce: Option<&str>) -> Option<String> {
    let call = if end_active_chat {
        r#"window.Beacon('logout', {"endActiveChat":true});"#
    } else {
        "window.Beacon('logout');"
    };
    match nonce {
        None => Some(call.to_owned()),
        Some(nonce) if rules::valid_nonce(nonce) => {
            Some(format!("<script nonce=\"{nonce}\">{call}</script>"))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_in_beacon_order_with_truncation() {
        let user = json!({
            "attributes": {"b": 1, "a": null, "10": true, "2": "x"},
            "avatar": "https://e.x/a", "company": "é".repeat(61), "email": "e@x",
            "name": "😀".repeat(81), "password_hash": "h", "jobTitle": null,
        });
        let fields = expected_fields(&user);
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["name", "email", "company", "avatar", "10", "2", "b"]);
        // 81 emoji are 162 UTF-16 code units: 40 fit in 80.
        assert_eq!(fields[0].1, json!("😀".repeat(40)));
        assert_eq!(fields[2].1, json!("é".repeat(60)));
        let object = expected_object(&user, "secret_key_from_beacon_config");
        assert_eq!(object.last().unwrap().0, "signature");
    }

    #[test]
    fn documents_as_the_error_policy_reads_them() {
        let read = |text: &str| model_identity(&Json::parse(text.as_bytes()).unwrap());
        let user = read(r#"{"email":"a","email":"b","job_title":"x","jobTitle":null}"#);
        assert_eq!(user.unwrap().unwrap().job_title.as_deref(), Some("x"));
        assert_eq!(user_email(read(r#""a@b""#)), Some("a@b".to_owned()));
        assert_eq!(
            read(r#"{"jobTitle":"a","job_title":"b","email":"e"}"#),
            Some(None)
        );
        assert_eq!(read(r#"{"name":"no email"}"#), Some(None));
        let args = |text: &str| model_args(&Json::parse(text.as_bytes()).unwrap());
        assert_eq!(args(r#"{"nonse":"typo"}"#), Some(None));
        assert_eq!(args(r#"{"nonce":null}"#), Some(None));
        assert_eq!(
            args(r#"{"nonce":"n"}"#).unwrap().unwrap().nonce.as_deref(),
            Some("n")
        );
        let logout = |text: &str| model_logout(&Json::parse(text.as_bytes()).unwrap());
        assert_eq!(
            logout(r#"{"end_active_chat":true}"#),
            Some(Some((true, None)))
        );
        assert_eq!(
            logout(r#"{"endActiveChat":true,"end_active_chat":false}"#),
            Some(None)
        );
        assert_eq!(
            logout(r#"{"endActiveChat":null,"nonce":"n"}"#),
            Some(Some((false, Some("n".to_owned()))))
        );
        assert_eq!(expected_logout(true, Some("bad nonce")), None);
    }

    fn user_email(model: Option<Option<Model>>) -> Option<String> {
        model.flatten().map(|m| m.email)
    }
}
