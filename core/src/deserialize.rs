//! Reading an identity out of any serde map: an app's own `User`, or a
//! template engine's values and keyword arguments.
//!
//! Reading is deliberately narrow. It looks only at Beacon's keys and the
//! `attributes` map; every other value is skipped unread (through serde's
//! `IgnoredAny`, which the adapters' deserializers honour without visiting
//! it), so a whole `User`, password hash and all, can be passed in and
//! nothing else reaches the page, however large or deeply nested. Type
//! errors name the field, because serde's stock messages ("invalid type:
//! map, expected a string") do not say which one.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::data::{FieldValue, Prefill, SESSION_DATA_LIMIT, SessionData};
use crate::error::{Error, Field};
use crate::identity::{AttributeValue, Identity};
use crate::validate::{check_integer, limits};

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
                check_integer(key, &n)?;
                Ok(Some(AttributeValue::Number(n)))
            }
            Scalar::Number(None) => Err(Error::NonFiniteNumber {
                field: Field::Attribute(key.to_owned()),
            }),
            Scalar::Wide(value) => Err(Error::UnsafeInteger {
                key: key.to_owned(),
                value,
                limit: limits::SAFE_INTEGER,
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
    /// `beacon`: which registered Beacon.
    Beacon,
    /// `user`, of `beacon_init`.
    User,
    /// `logout`, of `beacon_init`.
    Logout,
    /// `data`, of `beacon_session_data`.
    Data,
    /// `form`, of `beacon_prefill`.
    Form,
    /// `subject`, of a prefilled form.
    Subject,
    /// `text`, of a prefilled form.
    Text,
    /// `fields`, of a prefilled form.
    FormFields,
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
            Key::Beacon => "beacon".into(),
            Key::User => "user".into(),
            Key::Logout => "logout".into(),
            Key::Data => "data".into(),
            Key::Form => "form".into(),
            Key::Subject => "subject".into(),
            Key::Text => "text".into(),
            Key::FormFields => "fields".into(),
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
            "beacon" => Key::Beacon,
            "user" => Key::User,
            "logout" => Key::Logout,
            "data" => Key::Data,
            "form" => Key::Form,
            "subject" => Key::Subject,
            "text" => Key::Text,
            "fields" => Key::FormFields,
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

/// The visit methods every reader of a map or list here shares: `null`
/// (unit or none) is `$empty`, `Some` is looked through, a string is
/// refused through the visitor's own `refuse`.
macro_rules! nullable {
    ($empty:expr) => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.refuse("a string"))
        }
    };
}

/// A string field's value: `null` is absent, anything but a string is an
/// error naming the field.
fn next_string<'de, A: MapAccess<'de>>(
    map: &mut A,
    field: fn() -> Field,
) -> Result<Option<Cow<'de, str>>, A::Error> {
    const EXPECTED: &str = "a string";
    match map.next_value_seed(ScalarSeed {
        field,
        expected: EXPECTED,
    })? {
        Scalar::Null => Ok(None),
        Scalar::Str(value) => Ok(Some(value)),
        other => Err(de::Error::custom(Error::WrongType {
            field: field(),
            expected: EXPECTED,
            found: other.kind(),
        })),
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
            nullable!(Attributes(BTreeMap::new()));
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
                            limit: limits::ATTRIBUTES,
                        }));
                    }
                    attributes.insert(key.into_owned(), value);
                }
                Ok(Attributes(attributes))
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
    /// Read only from template arguments.
    pub(crate) beacon: Option<Cow<'de, str>>,
    pub(crate) attributes: Option<BTreeMap<String, AttributeValue>>,
}

/// Whose map is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MapKind {
    /// A user's: keys that are not Beacon fields (a `nonce` too) are
    /// skipped unread.
    User,
    /// The keyword arguments of a template function: a key it does not
    /// take is an error.
    Arguments(Arguments),
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
                (Key::Email, _) => self.email = next_string(&mut map, || Field::Email)?,
                (Key::Name, _) => self.name = next_string(&mut map, || Field::Name)?,
                (Key::Company, _) => self.company = next_string(&mut map, || Field::Company)?,
                (key @ Key::JobTitle { .. }, _) => {
                    job_title.set(&key, next_string(&mut map, || Field::JobTitle)?);
                }
                (Key::Avatar, _) => self.avatar = next_string(&mut map, || Field::Avatar)?,
                (Key::Attributes, _) => {
                    self.attributes = Some(map.next_value::<Attributes>()?.0);
                }
                // Checked once the map is read: like any key, the last
                // `nonce` wins.
                (Key::Nonce, MapKind::Arguments(_)) => nonce = Some(next_nonce(&mut map)),
                (Key::Beacon, MapKind::Arguments(_)) => {
                    self.beacon = next_string(&mut map, || Field::Beacon)?;
                }
                (key, MapKind::Arguments(arguments)) => return Err(arguments.unknown(key)),
                // Skipped unread: serde's `IgnoredAny` asks the deserializer
                // to skip, and the adapters' deserializers do so without
                // visiting the value.
                (_, MapKind::User) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(value) = job_title.resolve(&Key::JobTitle { snake: false })? {
            self.job_title = value;
        }
        if let Some(read) = nonce {
            self.nonce = Some(read?);
        }
        Ok(())
    }

    /// The nonce argument.
    pub(crate) fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }
}

/// A given nonce: a string; `null` almost always means a missing context
/// variable, and a script without its nonce would be blocked by the CSP.
fn next_nonce<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Cow<'de, str>, A::Error> {
    const EXPECTED: &str = "a string";
    match map.next_value_seed(ScalarSeed {
        field: || Field::Nonce,
        expected: EXPECTED,
    })? {
        Scalar::Null => Err(de::Error::custom(Error::NullNonce)),
        Scalar::Str(nonce) => Ok(nonce),
        other => Err(de::Error::custom(Error::WrongType {
            field: Field::Nonce,
            expected: EXPECTED,
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

/// A template function's keyword (Tera, MiniJinja) or hash (Handlebars)
/// arguments: whose they are, which keys it takes, for the error on one it
/// does not take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arguments {
    /// The function's name.
    pub(crate) function: &'static str,
    /// What it takes, for the error message.
    pub(crate) takes: &'static str,
    /// Whether it takes this key (`beacon_identify`'s identity fields are
    /// read by [`Fields::read_map`]).
    pub(crate) accepts: fn(&Key) -> bool,
}

impl Arguments {
    fn unknown<E: de::Error>(self, key: Key) -> E {
        de::Error::custom(Error::UnknownArgument {
            function: self.function,
            name: key.name(),
            takes: self.takes,
        })
    }
}

/// The arguments of the template functions other than `beacon_identify`.
#[derive(Debug, Default)]
pub(crate) struct CallArgs<'de> {
    pub(crate) nonce: Option<Cow<'de, str>>,
    pub(crate) beacon: Option<Cow<'de, str>>,
    /// `beacon_logout`'s `endActiveChat`.
    pub(crate) end_active_chat: bool,
    /// `beacon_init`'s `logout`.
    pub(crate) logout: bool,
    /// `beacon_init`'s `user`, when one was given (not none or undefined).
    pub(crate) user: Option<Fields<'de>>,
    /// `beacon_session_data`'s `data`.
    pub(crate) data: Option<SessionData>,
    /// `beacon_prefill`'s `form`.
    pub(crate) form: Option<Prefill>,
}

impl<'de> CallArgs<'de> {
    /// Reads the arguments; absent or `null` is none.
    pub(crate) fn read<D: Deserializer<'de>>(
        deserializer: D,
        arguments: Arguments,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CallArgsVisitor(arguments))
    }
}

struct CallArgsVisitor(Arguments);

impl<'de> Visitor<'de> for CallArgsVisitor {
    type Value = CallArgs<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("keyword arguments")
    }
    fn visit_unit<E>(self) -> Result<CallArgs<'de>, E> {
        Ok(CallArgs::default())
    }
    fn visit_none<E>(self) -> Result<CallArgs<'de>, E> {
        Ok(CallArgs::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CallArgs<'de>, A::Error> {
        let mut args = CallArgs::default();
        let mut end = Spellings::default();
        while let Some(key) = map.next_key::<Key>()? {
            if !(self.0.accepts)(&key) {
                return Err(self.0.unknown(key));
            }
            match key {
                Key::Nonce => args.nonce = Some(next_nonce(&mut map)?),
                Key::Beacon => args.beacon = next_string(&mut map, || Field::Beacon)?,
                key @ Key::EndActiveChat { .. } => {
                    end.set(&key, next_bool(&mut map, || Field::EndActiveChat)?);
                }
                Key::Logout => {
                    args.logout = next_bool(&mut map, || Field::Logout)?.unwrap_or(false)
                }
                Key::User => {
                    let mut user = Fields::default();
                    let given = map.next_value_seed(UserSeed(&mut user))?;
                    args.user = given.then_some(user);
                }
                Key::Data => args.data = map.next_value_seed(SessionDataSeed)?,
                Key::Form => args.form = map.next_value_seed(PrefillSeed)?,
                other => return Err(self.0.unknown(other)),
            }
        }
        let end = end.resolve(&Key::EndActiveChat { snake: false })?;
        args.end_active_chat = end.flatten().unwrap_or(false);
        Ok(args)
    }
}

/// A boolean argument: `null` is absent, anything else an error.
fn next_bool<'de, A: MapAccess<'de>>(
    map: &mut A,
    field: fn() -> Field,
) -> Result<Option<bool>, A::Error> {
    const EXPECTED: &str = "a boolean";
    match map.next_value_seed(ScalarSeed {
        field,
        expected: EXPECTED,
    })? {
        Scalar::Null => Ok(None),
        Scalar::Bool(value) => Ok(Some(value)),
        other => Err(de::Error::custom(Error::WrongType {
            field: field(),
            expected: EXPECTED,
            found: other.kind(),
        })),
    }
}

/// `beacon_init`'s `user`: a user map or an email string into the fields;
/// `false` for none or undefined (a signed-out page).
struct UserSeed<'a, 'de>(&'a mut Fields<'de>);

impl<'de> DeserializeSeed<'de> for UserSeed<'_, 'de> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(UserVisitor::optional(self.0))?;
        Ok(self.0.email.is_some())
    }
}

/// Reads a session-data map into [`SessionData`]; `null` is none.
pub(crate) struct SessionDataSeed;

impl<'de> DeserializeSeed<'de> for SessionDataSeed {
    type Value = Option<SessionData>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SessionDataSeed {
    type Value = Option<SessionData>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of session data")
    }
    nullable!(None);
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        const EXPECTED: &str = "a map with string keys";
        let mut data = SessionData::default();
        let key_seed = || ScalarSeed {
            field: || Field::SessionData,
            expected: EXPECTED,
        };
        while let Some(key) = map.next_key_seed(key_seed())? {
            let Scalar::Str(key) = key else {
                return Err(de::Error::custom(Error::WrongType {
                    field: Field::SessionData,
                    expected: EXPECTED,
                    found: "a key that is not a string",
                }));
            };
            let value = map.next_value_seed(ScalarSeed {
                field: || Field::Data(key.to_string()),
                expected: "a string, a number or a boolean",
            })?;
            let text = match value {
                Scalar::Null => continue,
                Scalar::Str(s) => s.into_owned(),
                Scalar::Bool(b) => b.to_string(),
                Scalar::Number(Some(n)) => n.to_string(),
                // Written as text, so a wide integer keeps every digit.
                Scalar::Wide(digits) => digits,
                Scalar::Number(None) => {
                    return Err(de::Error::custom(Error::NonFiniteNumber {
                        field: Field::Data(key.into_owned()),
                    }));
                }
            };
            // Reading stops at the first one too many.
            if data.entries.len() == SESSION_DATA_LIMIT && !data.entries.contains_key(&*key) {
                return Err(de::Error::custom(Error::TooManyEntries {
                    count: SESSION_DATA_LIMIT + 1,
                    limit: SESSION_DATA_LIMIT,
                }));
            }
            data.entries.insert(key.into_owned(), text);
        }
        Ok(Some(data))
    }
    refuse_other_types!(Self::Value);
}

impl SessionDataSeed {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: Field::SessionData,
            expected: "a map of session data",
            found,
        })
    }
}

/// Reads a prefill map into [`Prefill`]; `null` is none.
pub(crate) struct PrefillSeed;

const PREFILL_KEYS: &str = "name, email, subject, text and fields";

impl<'de> DeserializeSeed<'de> for PrefillSeed {
    type Value = Option<Prefill>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PrefillSeed {
    type Value = Option<Prefill>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of the contact form's fields")
    }
    nullable!(None);
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut form = Prefill::default();
        while let Some(key) = map.next_key_seed(KeySeed { keep_names: true })? {
            let own = |s: Option<Cow<'_, str>>| s.map(Cow::into_owned);
            match key {
                Key::Name => form.name = own(next_string(&mut map, || Field::Form("name".into()))?),
                Key::Email => {
                    form.email = own(next_string(&mut map, || Field::Form("email".into()))?);
                }
                Key::Subject => {
                    form.subject = own(next_string(&mut map, || Field::Form("subject".into()))?);
                }
                Key::Text => form.text = own(next_string(&mut map, || Field::Form("text".into()))?),
                Key::FormFields => form.fields = map.next_value_seed(FormFieldsSeed)?,
                other => {
                    return Err(de::Error::custom(Error::UnknownKey {
                        map: Field::Prefill,
                        key: other.name(),
                        takes: PREFILL_KEYS,
                    }));
                }
            }
        }
        Ok(Some(form))
    }
    refuse_other_types!(Self::Value);
}

impl PrefillSeed {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: Field::Prefill,
            expected: "a map of the contact form's fields",
            found,
        })
    }
}

/// A prefilled form's `fields`: a list of `{id, value}`; `null` is none.
struct FormFieldsSeed;

impl<'de> DeserializeSeed<'de> for FormFieldsSeed {
    type Value = Vec<(u64, FieldValue)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FormFieldsSeed {
    type Value = Vec<(u64, FieldValue)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of {id, value} maps")
    }
    nullable!(Vec::new());
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::new();
        while let Some(field) = seq.next_element_seed(FormFieldSeed(fields.len()))? {
            fields.push(field);
        }
        Ok(fields)
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.refuse("a map"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.refuse("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.refuse("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.refuse("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.refuse("a number"))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
        Err(self.refuse("bytes"))
    }
}

impl FormFieldsSeed {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: Field::Form("fields".into()),
            expected: "a list of {id, value} maps",
            found,
        })
    }
}

/// One `{id, value}` of a prefilled form's `fields`, by its place.
struct FormFieldSeed(usize);

impl<'de> DeserializeSeed<'de> for FormFieldSeed {
    type Value = (u64, FieldValue);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FormFieldSeed {
    type Value = (u64, FieldValue);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an {id, value} map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let at = self.0;
        let field = |part: &str| Field::Form(format!("fields[{at}]{part}"));
        let wrong = |part: &str, expected: &'static str, found: &'static str| {
            de::Error::custom(Error::WrongType {
                field: field(part),
                expected,
                found,
            })
        };
        let (mut id, mut value) = (None, None);
        while let Some(key) = map.next_key_seed(KeySeed { keep_names: true })? {
            let name = key.name();
            let scalar = map.next_value_seed(ScalarSeed {
                field: || field(&format!(".{name}")),
                expected: "a string or a number",
            })?;
            match (name.as_str(), scalar) {
                ("id", Scalar::Number(Some(n))) if n.as_u64().is_some() => id = n.as_u64(),
                ("id", other) => return Err(wrong(".id", "a whole number", other.kind())),
                ("value", Scalar::Str(s)) => value = Some(FieldValue::Text(s.into_owned())),
                ("value", Scalar::Number(Some(n))) => value = Some(FieldValue::Number(n)),
                ("value", other) => {
                    return Err(wrong(".value", "a string or a number", other.kind()));
                }
                (_, _) => {
                    return Err(de::Error::custom(Error::UnknownKey {
                        map: field(""),
                        key: name,
                        takes: "id and value",
                    }));
                }
            }
        }
        match (id, value) {
            (Some(id), Some(value)) => Ok((id, value)),
            (None, _) => Err(wrong(".id", "a whole number", "nothing")),
            (_, None) => Err(wrong(".value", "a string or a number", "nothing")),
        }
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self.refuse("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.refuse("null"))
    }
    refuse_other_types!(Self::Value);
}

impl FormFieldSeed {
    fn refuse<E: de::Error>(self, found: &'static str) -> E {
        de::Error::custom(Error::WrongType {
            field: Field::Form(format!("fields[{}]", self.0)),
            expected: "an {id, value} map",
            found,
        })
    }
}
