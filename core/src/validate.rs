//! Validation: an [`Identity`](crate::Identity), or a template's input and
//! arguments, checked against Beacon's limits becomes a [`Payload`], the
//! exact set of strings that will be signed and emitted.
//!
//! Beacon drops a value over its limit without a word, so the user would
//! silently lose their name. We either shorten it on a character boundary
//! (what Help Scout's own mobile SDKs do) or refuse it, per [`LimitPolicy`].

use std::collections::BTreeMap;
use std::ops::Deref;

use crate::error::{Error, Field};
use crate::identity::{AttributeValue, IdentityRef};

/// Beacon's limits, from Help Scout's SDK documentation. Lengths count
/// characters (Unicode scalar values), not bytes.
pub mod limits {
    /// Longest `name` Beacon keeps.
    pub const NAME: usize = 80;
    /// Longest `company` Beacon keeps.
    pub const COMPANY: usize = 60;
    /// Longest `jobTitle` Beacon keeps.
    pub const JOB_TITLE: usize = 60;
    /// Longest `avatar` URL Beacon keeps.
    pub const AVATAR: usize = 200;
    /// Most custom attributes Beacon keeps.
    pub const ATTRIBUTES: usize = 30;
    /// Longest custom attribute key we accept.
    pub const ATTRIBUTE_KEY: usize = 64;
}

/// The field names of Beacon's identify object; a custom attribute may not
/// take one, or it would overwrite (or be overwritten by) the real field.
const RESERVED_KEYS: [&str; 6] = [
    "name",
    "email",
    "company",
    "jobTitle",
    "avatar",
    "signature",
];

/// What to do with a `name`, `company` or `jobTitle` over Beacon's limit.
///
/// The email is never altered under either policy (it is what the signature
/// covers), and an over-long avatar or too many attributes are always errors:
/// shortening a URL or dropping an attribute would change its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LimitPolicy {
    /// Shorten to the limit on a character boundary (the default).
    #[default]
    Truncate,
    /// Refuse with [`Error::TooLong`].
    Strict,
}

/// A validated identity: the fields that passed, shortened where the policy
/// shortens, borrowing from the identity they came from.
pub(crate) struct Payload<'a>(IdentityRef<'a>);

impl<'a> Deref for Payload<'a> {
    type Target = IdentityRef<'a>;

    fn deref(&self) -> &IdentityRef<'a> {
        &self.0
    }
}

impl<'a> Payload<'a> {
    pub(crate) fn new(identity: IdentityRef<'a>, policy: LimitPolicy) -> Result<Self, Error> {
        if identity.email.is_empty() {
            return Err(Error::EmptyEmail);
        }
        if let Some(avatar) = identity.avatar {
            check_avatar(avatar)?;
        }
        check_attributes(identity.attributes)?;
        Ok(Payload(IdentityRef {
            name: limit_length(identity.name, limits::NAME, policy, || Field::Name)?,
            company: limit_length(identity.company, limits::COMPANY, policy, || Field::Company)?,
            job_title: limit_length(identity.job_title, limits::JOB_TITLE, policy, || {
                Field::JobTitle
            })?,
            ..identity
        }))
    }

    /// Every string that will be emitted, for sizing the output once.
    pub(crate) fn text_len(&self) -> usize {
        let fields = [self.name, self.company, self.job_title, self.avatar];
        let attributes: usize = self
            .attributes
            .iter()
            .map(|(k, v)| {
                k.len()
                    + match v {
                        AttributeValue::String(s) => s.len(),
                        AttributeValue::Number(_) => 24,
                        AttributeValue::Bool(_) => 5,
                    }
            })
            .sum();
        self.email.len() + fields.iter().flatten().map(|s| s.len()).sum::<usize>() + attributes
    }
}

/// `value` within `limit` characters: as it is, shortened or refused, per
/// `policy`.
#[inline]
fn limit_length(
    value: Option<&str>,
    limit: usize,
    policy: LimitPolicy,
    field: impl FnOnce() -> Field,
) -> Result<Option<&str>, Error> {
    match value {
        // A string of at most `limit` bytes has at most `limit` characters.
        Some(value) if value.len() > limit => match shorten(value, limit, policy) {
            Ok(value) => Ok(Some(value)),
            Err(length) => Err(Error::TooLong {
                field: field(),
                limit,
                length,
            }),
        },
        short => Ok(short),
    }
}

/// A value of more than `limit` bytes, cut to `limit` characters, or its
/// length in characters when that is over the limit and `policy` refuses.
#[cold]
fn shorten(value: &str, limit: usize, policy: LimitPolicy) -> Result<&str, usize> {
    match value.char_indices().nth(limit) {
        None => Ok(value),
        Some((cut, _)) => match policy {
            LimitPolicy::Truncate => Ok(&value[..cut]),
            LimitPolicy::Strict => Err(value.chars().count()),
        },
    }
}

fn check_avatar(avatar: &str) -> Result<(), Error> {
    let length = avatar.chars().count();
    if length > limits::AVATAR {
        return Err(Error::TooLong {
            field: Field::Avatar,
            limit: limits::AVATAR,
            length,
        });
    }
    // The browser's URL parser strips surrounding whitespace and tabs inside,
    // so such a string would be a different URL there than here.
    if avatar.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidAvatar);
    }
    // WHATWG parsers forgive `https:///x` and `https:\\x` by guessing a host;
    // we want the host the user wrote, so the authority must be there as is.
    let authority = ["http://", "https://"].iter().find_map(|scheme| {
        let head = avatar.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| avatar[scheme.len()..].split(['/', '?', '#']).next())
            .flatten()
    });
    let plain_authority = authority.is_some_and(|a| !a.is_empty() && !a.contains('\\'));
    match url::Url::parse(avatar) {
        Ok(url) if plain_authority && url.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        _ => Err(Error::InvalidAvatar),
    }
}

fn check_attributes(attributes: &BTreeMap<String, AttributeValue>) -> Result<(), Error> {
    if attributes.len() > limits::ATTRIBUTES {
        return Err(Error::TooManyAttributes {
            count: attributes.len(),
        });
    }
    for key in attributes.keys() {
        let plain = (1..=limits::ATTRIBUTE_KEY).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !plain {
            return Err(Error::InvalidAttributeKey { key: key.clone() });
        }
        // In an object literal `"__proto__": …` sets the prototype instead of
        // making a property, so the attribute would vanish in the browser.
        if key == "__proto__" || RESERVED_KEYS.iter().any(|r| r.eq_ignore_ascii_case(key)) {
            return Err(Error::ReservedAttributeKey { key: key.clone() });
        }
    }
    Ok(())
}
