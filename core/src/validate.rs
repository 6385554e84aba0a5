//! Validation: an [`Identity`](crate::Identity), or a template's input and
//! arguments, checked against Beacon's limits becomes a [`Payload`], the
//! exact set of strings that will be signed and emitted.
//!
//! Beacon drops a value over its limit without a word, so the user would
//! silently lose their name. We either shorten it on a grapheme cluster
//! boundary or refuse it, and drop or refuse an invalid avatar, per
//! [`LimitPolicy`].

use std::collections::BTreeMap;
use std::ops::Deref;

use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Error, Field};
use crate::identity::{AttributeValue, IdentityRef};

/// Beacon's limits, from Help Scout's SDK documentation.
///
/// Lengths are counted as Beacon's JavaScript and mobile SDKs count them
/// (`String.length`, `NSString.length`, Kotlin's `String.length`): in UTF-16
/// code units, so an emoji outside the Basic Multilingual Plane counts 2.
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
    /// The largest integer JavaScript reads exactly (`Number.MAX_SAFE_INTEGER`,
    /// 2^53 - 1); an integer attribute beyond it in either direction is refused.
    pub const SAFE_INTEGER: u64 = (1 << 53) - 1;
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

/// What to do with a `name`, `company` or `jobTitle` over Beacon's limit,
/// and with an invalid `avatar`.
///
/// The email is never altered under either policy (it is what the signature
/// covers), and a bad custom attribute or too many of them are always
/// errors: dropping an attribute would change what the app meant to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LimitPolicy {
    /// The default, so that one user's bad data never breaks their pages:
    /// shorten an over-long `name`, `company` or `jobTitle` to the last
    /// extended grapheme cluster boundary within the limit (never splitting
    /// a surrogate pair, an emoji sequence or a combining mark from its
    /// base), and leave out an invalid `avatar` (Beacon would ignore it).
    #[default]
    Truncate,
    /// Refuse every such value with [`Error::TooLong`] or
    /// [`Error::InvalidAvatar`].
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
        let avatar = match identity.avatar.map(check_avatar) {
            Some(Err(_)) if policy == LimitPolicy::Truncate => None,
            Some(Err(error)) => return Err(error),
            Some(Ok(())) | None => identity.avatar,
        };
        check_attributes(identity.attributes)?;
        Ok(Payload(IdentityRef {
            avatar,
            name: limit_length(identity.name, limits::NAME, policy, || Field::Name)?,
            company: limit_length(identity.company, limits::COMPANY, policy, || Field::Company)?,
            job_title: limit_length(identity.job_title, limits::JOB_TITLE, policy, || {
                Field::JobTitle
            })?,
            ..identity
        }))
    }

    /// The validated identity, owned.
    pub(crate) fn to_identity(&self) -> crate::identity::Identity {
        crate::identity::Identity {
            email: self.email.to_owned(),
            name: self.name.map(str::to_owned),
            company: self.company.map(str::to_owned),
            job_title: self.job_title.map(str::to_owned),
            avatar: self.avatar.map(str::to_owned),
            attributes: self.attributes.clone(),
        }
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

/// `value` within `limit` UTF-16 code units: as it is, shortened or
/// refused, per `policy`.
#[inline]
fn limit_length(
    value: Option<&str>,
    limit: usize,
    policy: LimitPolicy,
    field: impl FnOnce() -> Field,
) -> Result<Option<&str>, Error> {
    match value {
        // A character takes at least as many UTF-8 bytes as UTF-16 code
        // units, so a string of at most `limit` bytes is within the limit.
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

/// The length of `value` as JavaScript's `String.length` counts it.
pub(crate) fn utf16_len(value: &str) -> usize {
    value.chars().map(char::len_utf16).sum()
}

/// A value of more than `limit` bytes, cut at the last extended grapheme
/// cluster boundary within `limit` UTF-16 code units, or its length in
/// UTF-16 code units when that is over the limit and `policy` refuses.
#[cold]
fn shorten(value: &str, limit: usize, policy: LimitPolicy) -> Result<&str, usize> {
    let length = utf16_len(value);
    if length <= limit {
        return Ok(value);
    }
    match policy {
        LimitPolicy::Truncate => {
            let mut units = 0;
            let mut cut = 0;
            for (at, cluster) in value.grapheme_indices(true) {
                units += utf16_len(cluster);
                if units > limit {
                    break;
                }
                cut = at + cluster.len();
            }
            Ok(&value[..cut])
        }
        LimitPolicy::Strict => Err(length),
    }
}

fn check_avatar(avatar: &str) -> Result<(), Error> {
    let length = utf16_len(avatar);
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
            limit: limits::ATTRIBUTES,
        });
    }
    for key in attributes.keys() {
        let plain = (1..=limits::ATTRIBUTE_KEY).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !plain {
            return Err(Error::InvalidAttributeKey {
                key: key.clone(),
                limit: limits::ATTRIBUTE_KEY,
            });
        }
        // In an object literal `"__proto__": …` sets the prototype instead of
        // making a property, so the attribute would vanish in the browser.
        if key == "__proto__" || RESERVED_KEYS.iter().any(|r| r.eq_ignore_ascii_case(key)) {
            return Err(Error::ReservedAttributeKey { key: key.clone() });
        }
    }
    for (key, value) in attributes {
        if let AttributeValue::Number(number) = value {
            check_integer(key, number)?;
        }
    }
    Ok(())
}

/// An integer JavaScript would read as another number is refused: the
/// attribute would silently change on its way to Beacon.
pub(crate) fn check_integer(key: &str, number: &serde_json::Number) -> Result<(), Error> {
    let beyond = match (number.as_u64(), number.as_i64()) {
        (Some(n), _) => n > limits::SAFE_INTEGER,
        (None, Some(n)) => n.unsigned_abs() > limits::SAFE_INTEGER,
        // A float: JavaScript reads the same double.
        (None, None) => false,
    };
    if beyond {
        return Err(Error::UnsafeInteger {
            key: key.to_owned(),
            value: number.to_string(),
            limit: limits::SAFE_INTEGER,
        });
    }
    Ok(())
}
