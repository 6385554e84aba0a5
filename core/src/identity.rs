//! The input: who the signed-in user is, as the app builds it in code. How
//! the same comes out of a serde map (a `User` struct, a template's values)
//! is in the `deserialize` module.

use std::collections::BTreeMap;

use serde::ser::{Serialize, Serializer};

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
    #[must_use]
    pub fn new(email: impl Into<String>) -> Self {
        Identity {
            email: email.into(),
            ..Identity::default()
        }
    }

    /// Sets the display name (Beacon keeps 80 UTF-16 code units).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the company (Beacon keeps 60 UTF-16 code units).
    #[must_use]
    pub fn company(mut self, company: impl Into<String>) -> Self {
        self.company = Some(company.into());
        self
    }

    /// Sets the job title, emitted as `jobTitle` (Beacon keeps 60 UTF-16 code units).
    #[must_use]
    pub fn job_title(mut self, job_title: impl Into<String>) -> Self {
        self.job_title = Some(job_title.into());
        self
    }

    /// Sets the avatar: an absolute `http(s)` URL of at most 200 UTF-16 code units.
    #[must_use]
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
    #[must_use]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<AttributeValue>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The email, exactly as it will be signed and emitted.
    #[must_use]
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The custom attributes, in the order they are emitted.
    #[must_use]
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
