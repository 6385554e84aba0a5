//! The input side: who the signed-in user is, as the app or the template
//! hands it over.
//!
//! Deserialization is deliberately narrow. It reads only Beacon's fields and
//! the `attributes` map, so a whole `User` (password hash, tokens and all)
//! can be passed in without any other field reaching the page. Type errors
//! are reported with the field's name, because serde's stock messages
//! ("invalid type: map, expected a string") do not say which field.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{Serialize, Serializer};

use crate::error::{Error, Field};
use crate::validate::limits;

/// A signed-in user as Beacon's identify call describes them.
///
/// Build one in code:
///
/// ```
/// use helpscout_beacon::Identity;
///
/// let identity = Identity::new("jane@example.com")
///     .name("Jane Doe")
///     .company("Acme")
///     .job_title("CTO")
///     .avatar("https://example.com/jane.png")
///     .attribute("plan", "pro")
///     .attribute("seats", 12);
/// assert_eq!(identity.email(), "jane@example.com");
/// ```
///
/// or deserialize one from any serde map with `email` (required), `name`,
/// `company`, `jobTitle` (or `job_title`), `avatar` and an `attributes` map
/// of string, number or boolean values. `null` means absent, every other key
/// is ignored, and a plain string deserializes as an identity with only that
/// email:
///
/// ```
/// use helpscout_beacon::Identity;
///
/// let user = serde_json::json!({
///     "email": "jane@example.com",
///     "name": "Jane Doe",
///     "company": null,
///     "password_hash": "$argon2id$…",
///     "attributes": {"plan": "pro"},
/// });
/// let identity: Identity = serde_json::from_value(user)?;
/// assert_eq!(identity, Identity::new("jane@example.com").name("Jane Doe").attribute("plan", "pro"));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Nothing is checked here: [`Signer::identify`](crate::Signer::identify)
/// validates against Beacon's limits when it signs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Identity {
    pub(crate) email: String,
    pub(crate) name: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) job_title: Option<String>,
    pub(crate) avatar: Option<String>,
    pub(crate) attributes: BTreeMap<String, AttributeValue>,
}

impl Identity {
    /// An identity with this email and nothing else.
    ///
    /// The email is signed and emitted exactly as given: no trimming, no
    /// lower-casing.
    pub fn new(email: impl Into<String>) -> Self {
        Identity {
            email: email.into(),
            ..Identity::default()
        }
    }

    /// Sets the display name (Beacon keeps 80 UTF-16 code units).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the company (Beacon keeps 60 UTF-16 code units).
    pub fn company(mut self, company: impl Into<String>) -> Self {
        self.company = Some(company.into());
        self
    }

    /// Sets the job title, emitted as `jobTitle` (Beacon keeps 60 UTF-16 code units).
    pub fn job_title(mut self, job_title: impl Into<String>) -> Self {
        self.job_title = Some(job_title.into());
        self
    }

    /// Sets the avatar: an absolute `http(s)` URL of at most 200 UTF-16 code units.
    pub fn avatar(mut self, avatar: impl Into<String>) -> Self {
        self.avatar = Some(avatar.into());
        self
    }

    /// Adds (or replaces) a custom attribute.
    ///
    /// Keys are 1 to 64 ASCII letters, digits, `_` or `-`, and may not be a
    /// Beacon field name; at most 30 attributes are allowed. An integer
    /// beyond JavaScript's exact range (±(2^53 - 1)) is refused when the
    /// call is made: pass such an ID as a string.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<AttributeValue>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The email, exactly as it will be signed and emitted.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The custom attributes, in the order they are emitted.
    pub fn attributes(&self) -> &BTreeMap<String, AttributeValue> {
        &self.attributes
    }

    pub(crate) fn view(&self) -> IdentityRef<'_> {
        IdentityRef {
            email: &self.email,
            name: self.name.as_deref(),
            company: self.company.as_deref(),
            job_title: self.job_title.as_deref(),
            avatar: self.avatar.as_deref(),
            attributes: &self.attributes,
        }
    }
}

/// An identity's fields, borrowed from an [`Identity`] or from a template's
/// input and arguments: what validation reads, so all are checked alike.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdentityRef<'a> {
    pub(crate) email: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) company: Option<&'a str>,
    pub(crate) job_title: Option<&'a str>,
    pub(crate) avatar: Option<&'a str>,
    pub(crate) attributes: &'a BTreeMap<String, AttributeValue>,
}

/// The value of a custom attribute: a string, a number or a boolean.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// A string.
    String(String),
    /// A finite number (JSON has no NaN or infinity).
    Number(serde_json::Number),
    /// A boolean.
    Bool(bool),
}

impl AttributeValue {
    /// A number attribute from a float; `None` for NaN and infinities.
    pub fn from_f64(value: f64) -> Option<Self> {
        serde_json::Number::from_f64(value).map(AttributeValue::Number)
    }
}

impl From<&str> for AttributeValue {
    fn from(value: &str) -> Self {
        AttributeValue::String(value.to_owned())
    }
}

impl From<String> for AttributeValue {
    fn from(value: String) -> Self {
        AttributeValue::String(value)
    }
}

impl From<bool> for AttributeValue {
    fn from(value: bool) -> Self {
        AttributeValue::Bool(value)
    }
}

macro_rules! number_from {
    ($($ty:ty),*) => {$(
        impl From<$ty> for AttributeValue {
            fn from(value: $ty) -> Self {
                AttributeValue::Number(value.into())
            }
        }
    )*};
}
number_from!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl Serialize for AttributeValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttributeValue::String(s) => serializer.serialize_str(s),
            AttributeValue::Number(n) => n.serialize(serializer),
            AttributeValue::Bool(b) => serializer.serialize_bool(*b),
        }
    }
}

/// One value where a string, number or boolean belongs, kept just long
/// enough to check its type against the field it was found in; a string is
/// borrowed when the deserializer lends it.
pub(crate) enum Scalar<'de> {
    Null,
    Str(Cow<'de, str>),
    Bool(bool),
    /// `None` for NaN and infinities.
    Number(Option<serde_json::Number>),
    /// An integer beyond 64 bits (Tera's i128/u128), in decimal.
    Wide(String),
}

impl Scalar<'_> {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Str(_) => "a string",
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) | Scalar::Wide(_) => "a number",
        }
    }

    fn into_attribute(self, key: &str) -> Result<Option<AttributeValue>, Error> {
        match self {
            Scalar::Null => Ok(None),
            Scalar::Str(s) => Ok(Some(AttributeValue::String(s.into_owned()))),
            Scalar::Bool(b) => Ok(Some(AttributeValue::Bool(b))),
            Scalar::Number(Some(n)) => {
                crate::validate::check_integer(key, &n)?;
                Ok(Some(AttributeValue::Number(n)))
            }
            Scalar::Number(None) => Err(Error::NonFiniteNumber {
                field: Field::Attribute(key.to_owned()),
            }),
            Scalar::Wide(value) => Err(Error::UnsafeInteger {
                key: key.to_owned(),
                value,
            }),
        }
    }
}

/// Reads a [`Scalar`]; a map, list or bytes is an error naming the field at
/// once, without a look inside (it may nest deeper than the stack goes).
pub(crate) struct ScalarSeed<F> {
    /// The field, made only for an error.
    pub(crate) field: F,
    /// What the field takes, for the error.
    pub(crate) expected: &'static str,
}

impl<'de, F: FnOnce() -> Field> DeserializeSeed<'de> for ScalarSeed<F> {
    type Value = Scalar<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: FnOnce() -> Field> Visitor<'de> for ScalarSeed<F> {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }
    fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Number(Some(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Number(Some(v.into())))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Scalar<'de>, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Scalar::Number(Some(v.into())),
            Err(_) => Scalar::Wide(v.to_string()),
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Scalar<'de>, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Scalar::Number(Some(v.into())),
            Err(_) => Scalar::Wide(v.to_string()),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Number(serde_json::Number::from_f64(v)))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Scalar<'de>, E> {
        Err(self.refuse("bytes"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Scalar<'de>, A::Error> {
        Err(self.refuse("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Scalar<'de>, A::Error> {
        Err(self.refuse("a map"))
    }
}

impl<F: FnOnce() -> Field> ScalarSeed<F> {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: (self.field)(),
            expected: self.expected,
            found,
        })
    }
}

/// The keys a map may carry, as far as Beacon is concerned.
pub(crate) enum Key {
    Email,
    Name,
    Company,
    /// `jobTitle`, or `job_title` when `snake`.
    JobTitle {
        snake: bool,
    },
    Avatar,
    Attributes,
    Nonce,
    /// `endActiveChat`, or `end_active_chat` when `snake`.
    EndActiveChat {
        snake: bool,
    },
    /// Any other key, by name when the caller asked for names (only to
    /// report it: a `User`'s own keys are skipped without copying them).
    Other(Option<String>),
}

impl Key {
    /// The key as it was written, for an error message.
    pub(crate) fn name(self) -> String {
        match self {
            Key::Email => "email".into(),
            Key::Name => "name".into(),
            Key::Company => "company".into(),
            Key::JobTitle { snake: false } => "jobTitle".into(),
            Key::JobTitle { snake: true } => "job_title".into(),
            Key::Avatar => "avatar".into(),
            Key::Attributes => "attributes".into(),
            Key::Nonce => "nonce".into(),
            Key::EndActiveChat { snake: false } => "endActiveChat".into(),
            Key::EndActiveChat { snake: true } => "end_active_chat".into(),
            Key::Other(name) => name.unwrap_or_default(),
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        KeySeed { keep_names: true }.deserialize(deserializer)
    }
}

impl Key {
    /// The field of a key with two spellings, and its snake-case spelling.
    fn spellings(&self) -> (Field, &'static str) {
        match self {
            Key::EndActiveChat { .. } => (Field::EndActiveChat, "end_active_chat"),
            _ => (Field::JobTitle, "job_title"),
        }
    }
}

/// Each spelling's last value of a two-spelling field (`jobTitle` and
/// `job_title`), resolved once the whole map is read, so that the result
/// does not depend on the order of the keys.
pub(crate) struct Spellings<T> {
    camel: Option<Option<T>>,
    snake: Option<Option<T>>,
}

impl<T> Default for Spellings<T> {
    fn default() -> Self {
        Spellings {
            camel: None,
            snake: None,
        }
    }
}

impl<T: PartialEq> Spellings<T> {
    /// Keeps `value` as the last one given under `key`'s spelling.
    pub(crate) fn set(&mut self, key: &Key, value: Option<T>) {
        let snake = matches!(
            key,
            Key::JobTitle { snake: true } | Key::EndActiveChat { snake: true }
        );
        if snake {
            self.snake = Some(value);
        } else {
            self.camel = Some(value);
        }
    }

    /// The field's value: `None` when neither spelling was given, else the
    /// given value (`null` is absent, and never outweighs the other
    /// spelling's value). Both spellings with different values are an
    /// error naming both.
    pub(crate) fn resolve<E: de::Error>(self, key: &Key) -> Result<Option<Option<T>>, E> {
        match (self.camel, self.snake) {
            (Some(Some(camel)), Some(Some(snake))) if camel != snake => {
                let (field, other) = key.spellings();
                Err(de::Error::custom(Error::ConflictingSpellings {
                    field,
                    other,
                }))
            }
            (Some(camel), Some(snake)) => Ok(Some(camel.or(snake))),
            (Some(one), None) | (None, Some(one)) => Ok(Some(one)),
            (None, None) => Ok(None),
        }
    }
}

/// Reads a [`Key`], keeping the names of unknown keys only when asked to.
pub(crate) struct KeySeed {
    pub(crate) keep_names: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "email" => Key::Email,
            "name" => Key::Name,
            "company" => Key::Company,
            "jobTitle" => Key::JobTitle { snake: false },
            // What a Rust `User` struct serializes to.
            "job_title" => Key::JobTitle { snake: true },
            "avatar" => Key::Avatar,
            "attributes" => Key::Attributes,
            "nonce" => Key::Nonce,
            "endActiveChat" => Key::EndActiveChat { snake: false },
            "end_active_chat" => Key::EndActiveChat { snake: true },
            other => self.other(other),
        })
    }
    // Engines such as MiniJinja allow keys that are not strings; none of
    // them is one of ours, so each is skipped like any other key.
    fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
        Ok(self.other(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
        Ok(self.other(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Key, E> {
        Ok(self.other(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Key, E> {
        Ok(self.other(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
        Ok(self.other(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
        Ok(self.other(v))
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<Key, E> {
        let mut buffer = [0; 4];
        self.visit_str(v.encode_utf8(&mut buffer))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Key, E> {
        Ok(self.other("bytes"))
    }
    fn visit_unit<E>(self) -> Result<Key, E> {
        Ok(self.other("none"))
    }
    fn visit_none<E>(self) -> Result<Key, E> {
        Ok(self.other("none"))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_any(self)
    }
    // A key that is itself a list or map: skipped, not read.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.other("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.other("a map"))
    }
}

impl KeySeed {
    fn other(&self, name: impl ToString) -> Key {
        Key::Other(self.keep_names.then(|| name.to_string()))
    }
}

/// The visit methods of a visitor that takes only some shapes: each refuses
/// a boolean, number, bytes or list through the visitor's own `refuse`,
/// which is told what was found.
macro_rules! refuse_other_types {
    ($value:ty) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<$value, E> {
            Err(self.refuse("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<$value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<$value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<$value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_i128<E: de::Error>(self, _: i128) -> Result<$value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_u128<E: de::Error>(self, _: u128) -> Result<$value, E> {
            Err(self.refuse("a number"))
        }
        fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<$value, E> {
            Err(self.refuse("bytes"))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<$value, A::Error> {
            Err(self.refuse("a list"))
        }
    };
}

/// A string field: `null` is absent, anything but a string is an error
/// naming the field.
struct StringField(Field);

impl<'de> DeserializeSeed<'de> for StringField {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringField {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: a string", self.0)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.refuse("a map"))
    }
    refuse_other_types!(Self::Value);
}

impl StringField {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: self.0,
            expected: "a string",
            found,
        })
    }
}

/// The `attributes` map: `null` is empty, anything but a map is an error.
struct Attributes(BTreeMap<String, AttributeValue>);

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AttributesVisitor;
        impl<'de> Visitor<'de> for AttributesVisitor {
            type Value = Attributes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of custom attributes")
            }
            fn visit_unit<E>(self) -> Result<Attributes, E> {
                Ok(Attributes(BTreeMap::new()))
            }
            fn visit_none<E>(self) -> Result<Attributes, E> {
                Ok(Attributes(BTreeMap::new()))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Attributes, D::Error> {
                Attributes::deserialize(d)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
                const EXPECTED: &str = "a map with string keys";
                let mut attributes = BTreeMap::new();
                let key_seed = || ScalarSeed {
                    field: || Field::Attributes,
                    expected: EXPECTED,
                };
                while let Some(key) = map.next_key_seed(key_seed())? {
                    let Scalar::Str(key) = key else {
                        return Err(de::Error::custom(Error::WrongType {
                            field: Field::Attributes,
                            expected: EXPECTED,
                            found: "a key that is not a string",
                        }));
                    };
                    let value = map.next_value_seed(ScalarSeed {
                        field: || Field::Attribute(key.to_string()),
                        expected: "a string, a number or a boolean",
                    })?;
                    let Some(value) = value.into_attribute(&key).map_err(de::Error::custom)? else {
                        continue;
                    };
                    // Reading stops at the first one too many: a map of a
                    // million attributes costs no more than one of 31.
                    if attributes.len() == limits::ATTRIBUTES && !attributes.contains_key(&*key) {
                        return Err(de::Error::custom(Error::TooManyAttributes {
                            count: limits::ATTRIBUTES + 1,
                        }));
                    }
                    attributes.insert(key.into_owned(), value);
                }
                Ok(Attributes(attributes))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Attributes, E> {
                Err(self.refuse("a string"))
            }
            refuse_other_types!(Attributes);
        }
        impl AttributesVisitor {
            fn refuse<E: de::Error>(self, found: &'static str) -> E {
                de::Error::custom(Error::WrongType {
                    field: Field::Attributes,
                    expected: "a map of custom attributes",
                    found,
                })
            }
        }
        deserializer.deserialize_any(AttributesVisitor)
    }
}

/// Beacon's fields as read from a map, each still optional, with strings
/// borrowed wherever the deserializer lends them. Shared by [`Identity`] and
/// the template's input and arguments, so a field means the same in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fields<'de> {
    pub(crate) email: Option<Cow<'de, str>>,
    pub(crate) name: Option<Cow<'de, str>>,
    pub(crate) company: Option<Cow<'de, str>>,
    pub(crate) job_title: Option<Cow<'de, str>>,
    pub(crate) avatar: Option<Cow<'de, str>>,
    /// Read only from template arguments.
    nonce: Option<Cow<'de, str>>,
    pub(crate) attributes: Option<BTreeMap<String, AttributeValue>>,
}

/// Whose map is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MapKind {
    /// A user's: keys that are not Beacon fields (a `nonce` too) are
    /// skipped unread.
    User,
    /// The keyword arguments of this template function: a key it does not
    /// take is an error.
    Arguments(&'static str),
}

impl<'de> Fields<'de> {
    /// Reads a map into these fields. In place, because the fields are a
    /// few hundred bytes and a render is fast enough for every move of them
    /// to show.
    pub(crate) fn read_map<A: MapAccess<'de>>(
        &mut self,
        mut map: A,
        kind: MapKind,
    ) -> Result<(), A::Error> {
        let keys = || KeySeed {
            keep_names: matches!(kind, MapKind::Arguments(_)),
        };
        let mut nonce = None;
        let mut job_title = Spellings::default();
        while let Some(key) = map.next_key_seed(keys())? {
            match (key, kind) {
                (Key::Email, _) => self.email = map.next_value_seed(StringField(Field::Email))?,
                (Key::Name, _) => self.name = map.next_value_seed(StringField(Field::Name))?,
                (Key::Company, _) => {
                    self.company = map.next_value_seed(StringField(Field::Company))?
                }
                (key @ Key::JobTitle { .. }, _) => {
                    job_title.set(&key, map.next_value_seed(StringField(Field::JobTitle))?);
                }
                (Key::Avatar, _) => {
                    self.avatar = map.next_value_seed(StringField(Field::Avatar))?
                }
                (Key::Attributes, _) => {
                    self.attributes = Some(map.next_value::<Attributes>()?.0);
                }
                (Key::Nonce, MapKind::Arguments(_)) => {
                    nonce = Some(map.next_value_seed(ScalarSeed {
                        field: || Field::Nonce,
                        expected: "a string",
                    })?);
                }
                (
                    key @ (Key::EndActiveChat { .. } | Key::Other(_)),
                    MapKind::Arguments(function),
                ) => {
                    let name = key.name();
                    return Err(de::Error::custom(Error::UnknownArgument { function, name }));
                }
                // Skipped unread: serde's `IgnoredAny` asks the deserializer
                // to skip, and the adapters' deserializers do so without
                // visiting the value.
                (Key::Nonce | Key::EndActiveChat { .. } | Key::Other(_), MapKind::User) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(value) = job_title.resolve(&Key::JobTitle { snake: false })? {
            self.job_title = value;
        }
        // Checked once the map is read: like any key, the last `nonce` wins.
        if let Some(scalar) = nonce {
            self.nonce = Some(read_nonce(scalar)?);
        }
        Ok(())
    }

    /// The nonce argument.
    pub(crate) fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// The fields of an identity, borrowed.
    pub(crate) fn of(identity: &'de Identity) -> Self {
        Fields {
            email: Some(Cow::Borrowed(&identity.email)),
            name: identity.name.as_deref().map(Cow::Borrowed),
            company: identity.company.as_deref().map(Cow::Borrowed),
            job_title: identity.job_title.as_deref().map(Cow::Borrowed),
            avatar: identity.avatar.as_deref().map(Cow::Borrowed),
            nonce: None,
            attributes: (!identity.attributes.is_empty()).then(|| identity.attributes.clone()),
        }
    }

    /// The same fields, owning their strings.
    pub(crate) fn into_owned(self) -> Fields<'static> {
        let owned = |s: Option<Cow<'_, str>>| s.map(|s| Cow::Owned(s.into_owned()));
        Fields {
            email: owned(self.email),
            name: owned(self.name),
            company: owned(self.company),
            job_title: owned(self.job_title),
            avatar: owned(self.avatar),
            nonce: owned(self.nonce),
            attributes: self.attributes,
        }
    }
}

impl IdentityRef<'_> {
    pub(crate) fn to_identity(self) -> Identity {
        Identity {
            email: self.email.to_owned(),
            name: self.name.map(str::to_owned),
            company: self.company.map(str::to_owned),
            job_title: self.job_title.map(str::to_owned),
            avatar: self.avatar.map(str::to_owned),
            attributes: self.attributes.clone(),
        }
    }
}

/// A given nonce: a string; `null` almost always means a missing context
/// variable, and a script without its nonce would be blocked by the CSP.
pub(crate) fn read_nonce<E: de::Error>(scalar: Scalar<'_>) -> Result<Cow<'_, str>, E> {
    match scalar {
        Scalar::Null => Err(de::Error::custom(Error::NullNonce)),
        Scalar::Str(nonce) => Ok(nonce),
        other => Err(de::Error::custom(Error::WrongType {
            field: Field::Nonce,
            expected: "a string",
            found: other.kind(),
        })),
    }
}

impl<'de> Deserialize<'de> for Identity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Fields::default();
        deserializer.deserialize_any(UserVisitor::new(&mut fields))?;
        let attributes = fields.attributes.take().unwrap_or_default();
        let own = |s: Option<Cow<'_, str>>| s.map(Cow::into_owned);
        Ok(Identity {
            email: own(fields.email).unwrap_or_default(),
            name: own(fields.name),
            company: own(fields.company),
            job_title: own(fields.job_title),
            avatar: own(fields.avatar),
            attributes,
        })
    }
}

/// Reads a user map or an email string into `fields`: the one reader behind
/// [`Identity`] and the input of `beacon_identify`. A map needs an email.
pub(crate) struct UserVisitor<'a, 'de> {
    fields: &'a mut Fields<'de>,
    /// Whether no user at all (`null`, or nothing) is fine.
    optional: bool,
}

impl<'a, 'de> UserVisitor<'a, 'de> {
    pub(crate) fn new(fields: &'a mut Fields<'de>) -> Self {
        UserVisitor {
            fields,
            optional: false,
        }
    }

    /// `null` reads as no user, leaving `fields` as they are.
    pub(crate) fn optional(fields: &'a mut Fields<'de>) -> Self {
        UserVisitor {
            fields,
            optional: true,
        }
    }

    fn nothing<E: de::Error>(self) -> Result<(), E> {
        if self.optional {
            Ok(())
        } else {
            Err(de::Error::custom(Error::MissingEmail))
        }
    }
}

impl<'de> Visitor<'de> for UserVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a user map with an email, or an email string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.fields.email = Some(Cow::Borrowed(v));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.fields.email = Some(Cow::Owned(v.to_owned()));
        Ok(())
    }
    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.fields.email = Some(Cow::Owned(v));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.nothing()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.nothing()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(UserVisitor::new(self.fields))
    }
    refuse_other_types!(());
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.fields.read_map(map, MapKind::User)?;
        if self.fields.email.is_none() {
            return Err(de::Error::custom(Error::MissingEmail));
        }
        Ok(())
    }
}

impl UserVisitor<'_, '_> {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: Field::Email,
            expected: "a string, or a user map with an email",
            found,
        })
    }
}
