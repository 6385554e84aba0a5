//! The one error type of the crate.
//!
//! Every message names the field and the rule it broke, so that a template
//! author can fix the input without reading our source. No variant can hold
//! key material: the secret never reaches this module.

use std::fmt;

/// A field of Beacon's identify object (or of the template call) that an
/// [`Error`] is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `email`
    Email,
    /// `name`
    Name,
    /// `company`
    Company,
    /// `jobTitle`
    JobTitle,
    /// `avatar`
    Avatar,
    /// The `attributes` map as a whole.
    Attributes,
    /// One custom attribute, by key.
    Attribute(String),
    /// The `nonce` of a `<script nonce="…">` tag.
    Nonce,
    /// The `endActiveChat` option of `beacon_logout`.
    EndActiveChat,
    /// One session-data entry, by key.
    Data(String),
    /// The session data as a whole.
    SessionData,
    /// A part of the prefilled contact form, such as `subject` or
    /// `fields[0].id`.
    Form(String),
    /// The prefilled contact form as a whole.
    Prefill,
    /// The `beacon` argument that names a registered Beacon.
    Beacon,
    /// The `user` argument of `beacon_init`.
    User,
    /// The `logout` argument of `beacon_init`.
    Logout,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Email => f.write_str("email"),
            Field::Name => f.write_str("name"),
            Field::Company => f.write_str("company"),
            Field::JobTitle => f.write_str("jobTitle"),
            Field::Avatar => f.write_str("avatar"),
            Field::Attributes => f.write_str("attributes"),
            Field::Attribute(key) if is_plain_key(key) => write!(f, "attributes.{key}"),
            // Debug quoting keeps a hostile key from forging log lines.
            Field::Attribute(key) => write!(f, "attributes[{key:?}]"),
            Field::Nonce => f.write_str("nonce"),
            Field::EndActiveChat => f.write_str("endActiveChat"),
            Field::Data(key) if is_plain_key(key) => write!(f, "data.{key}"),
            Field::Data(key) => write!(f, "data[{key:?}]"),
            Field::SessionData => f.write_str("data"),
            Field::Form(path) => write!(f, "form.{path}"),
            Field::Prefill => f.write_str("form"),
            Field::Beacon => f.write_str("beacon"),
            Field::User => f.write_str("user"),
            Field::Logout => f.write_str("logout"),
        }
    }
}

/// A key that reads the same in a message without quotes: nothing in it
/// can forge a log line.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Everything that can go wrong between a secret, a user and a rendered call.
///
/// The `Display` text names the field and the rule; it never contains the
/// secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The secret key passed to [`Signer::new`](crate::Signer::new) is empty.
    EmptySecret,
    /// The secret key starts or ends with whitespace: almost always a key
    /// copied with a newline or a space, which makes Beacon reject every
    /// signature. [`Signer::new`](crate::Signer::new) and
    /// [`Signer::from_env`](crate::Signer::from_env) both refuse it.
    PaddedSecret,
    /// [`Signer::from_env`](crate::Signer::from_env) found the variable
    /// unusable.
    SecretEnv {
        /// The environment variable that was read.
        variable: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The identity has no email (missing, `null` or undefined).
    MissingEmail,
    /// The email is the empty string.
    EmptyEmail,
    /// A value has the wrong type, for example a map where a string belongs.
    WrongType {
        /// The field holding the value.
        field: Field,
        /// What the field takes.
        expected: &'static str,
        /// What it was given.
        found: &'static str,
    },
    /// A value is over Beacon's length limit and the policy does not allow
    /// truncating it.
    TooLong {
        /// The field holding the value.
        field: Field,
        /// Beacon's limit, in UTF-16 code units (JavaScript's `String.length`).
        limit: usize,
        /// The value's length, in UTF-16 code units.
        length: usize,
    },
    /// The avatar is not an absolute `http` or `https` URL.
    InvalidAvatar,
    /// A custom attribute key is not a plain identifier.
    InvalidAttributeKey {
        /// The offending key.
        key: String,
        /// The longest key allowed.
        limit: usize,
    },
    /// A custom attribute is named like one of Beacon's own fields, or
    /// `__proto__`, which a JavaScript object literal does not keep.
    ReservedAttributeKey {
        /// The offending key.
        key: String,
    },
    /// More custom attributes than Beacon keeps.
    TooManyAttributes {
        /// How many were counted: all of them for an identity built in code,
        /// 31 when reading a map stopped at the first one too many.
        count: usize,
        /// The most Beacon keeps.
        limit: usize,
    },
    /// An integer custom attribute beyond JavaScript's exact range
    /// (±(2^53 - 1)): the browser would read another number.
    UnsafeInteger {
        /// The attribute's key.
        key: String,
        /// The integer, in decimal.
        value: String,
        /// The largest integer JavaScript reads exactly.
        limit: u64,
    },
    /// Both spellings of one field (`jobTitle` and `job_title`,
    /// `endActiveChat` and `end_active_chat`) were given, with different
    /// values: which one was meant cannot be told.
    ConflictingSpellings {
        /// The field, by the spelling Beacon uses.
        field: Field,
        /// The other spelling.
        other: &'static str,
    },
    /// A number that JSON cannot carry (NaN or infinite).
    NonFiniteNumber {
        /// The field holding the value.
        field: Field,
    },
    /// The CSP nonce is not one or more of `A-Z a-z 0-9 + / - _` followed by
    /// at most two `=`.
    InvalidNonce,
    /// A `nonce` argument was given as `null` or undefined: most often the
    /// template names a nonce variable that is not in its context. An error,
    /// not a call without a nonce, because the page's Content Security
    /// Policy would block that script without a word.
    NullNonce,
    /// The operating system's random source failed while making a CSP
    /// nonce.
    Random,
    /// A Beacon ID is not 1 to 64 of `A-Z a-z 0-9 -`.
    InvalidBeaconId,
    /// A Beacon's `config` is not a map that can be written as a
    /// JavaScript object.
    InvalidConfig {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// `beacon_init` for a Beacon registered from a bare signer, without
    /// an ID.
    NoBeaconId,
    /// No Beacon is registered under the name asked for (or none was asked
    /// for and there are several, with no default).
    UnknownBeacon {
        /// The name asked for; empty when none was.
        name: String,
        /// The registered names.
        registered: Vec<String>,
    },
    /// More session-data entries than Beacon keeps.
    TooManyEntries {
        /// How many were counted (21 when reading stopped at the first one
        /// too many).
        count: usize,
        /// The most Beacon keeps.
        limit: usize,
    },
    /// A key a JavaScript object literal does not keep (`__proto__`).
    ReservedKey {
        /// Where it was found.
        field: Field,
    },
    /// A map has a key its function does not take, such as a prefill key
    /// other than Beacon's form fields.
    UnknownKey {
        /// The map, such as `form`.
        map: Field,
        /// The key.
        key: String,
        /// The keys the map takes.
        takes: &'static str,
    },
    /// The template call has a keyword argument that the filter, helper or
    /// function does not take.
    UnknownArgument {
        /// The function, such as `beacon_identify`.
        function: &'static str,
        /// The argument's name.
        name: String,
        /// The arguments the function takes.
        takes: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptySecret => f.write_str(
                "secret key: must not be empty (copy it from the Beacon's Secure Mode settings)",
            ),
            Error::PaddedSecret => f.write_str(
                "secret key: has leading or trailing whitespace; remove it (a key copied with a newline makes Beacon reject every signature)",
            ),
            Error::SecretEnv { variable, problem } => write!(f, "{variable}: {problem}"),
            Error::MissingEmail => f.write_str(
                "email: required, but missing, null or undefined (pass a user with an email, or an email string)",
            ),
            Error::EmptyEmail => f.write_str("email: must not be empty"),
            Error::WrongType {
                field,
                expected,
                found,
            } => write!(f, "{field}: must be {expected}, found {found}"),
            Error::TooLong {
                field,
                limit,
                length,
            } => write!(
                f,
                "{field}: at most {limit} characters as JavaScript counts them (UTF-16 code units; Beacon drops longer values), found {length}"
            ),
            Error::InvalidAvatar => f.write_str(
                "avatar: must be an absolute http:// or https:// URL with a host and no spaces",
            ),
            Error::InvalidAttributeKey { key, limit } => write!(
                f,
                "attributes: key {key:?} must be 1 to {limit} ASCII letters, digits, '_' or '-'"
            ),
            Error::ReservedAttributeKey { key } if key == "__proto__" => write!(
                f,
                "attributes: key {key:?} sets an object's prototype in JavaScript, so Beacon would never see it; rename the attribute"
            ),
            Error::ReservedAttributeKey { key } => write!(
                f,
                "attributes: key {key:?} is a Beacon field name; set that field itself, or rename the attribute"
            ),
            Error::TooManyAttributes { count, limit } => write!(
                f,
                "attributes: at most {limit} custom attributes, found {count}"
            ),
            Error::UnsafeInteger { key, value, limit } => write!(
                f,
                "{}: integer {value} is beyond JavaScript's exact range (±{limit}); pass it as a string",
                Field::Attribute(key.clone()),
            ),
            Error::ConflictingSpellings { field, other } => write!(
                f,
                "{field} and {other}: both given, with different values; give only one"
            ),
            Error::NonFiniteNumber { field } => {
                write!(f, "{field}: must be a finite number, found NaN or infinity")
            }
            Error::InvalidNonce => f.write_str(
                "nonce: must be a CSP nonce, one or more of A-Z a-z 0-9 + / - _ then at most two '='; pass the request's nonce or leave nonce out",
            ),
            Error::NullNonce => f.write_str(
                "nonce: null or undefined (is the request's nonce in the template's context?); pass it, or leave nonce out",
            ),
            Error::Random => f.write_str(
                "nonce: the operating system's random source failed; no nonce was made",
            ),
            Error::InvalidBeaconId => f.write_str(
                "beacon id: must be 1 to 64 of A-Z a-z 0-9 - (copy it from the Beacon's Installation settings)",
            ),
            Error::InvalidConfig { problem } => write!(f, "config: {problem}"),
            Error::NoBeaconId => f.write_str(
                "beacon: this Beacon was registered from a signer alone, without a Beacon ID; register Beacon::new(beacon_id, signer) to emit the loader and init",
            ),
            Error::UnknownBeacon { name, registered } => {
                let names: Vec<String> = registered.iter().map(|n| format!("{n:?}")).collect();
                let names = names.join(", ");
                if name.is_empty() {
                    write!(
                        f,
                        "beacon: several Beacons are registered ({names}) and none is the default; pass beacon=\"…\""
                    )
                } else {
                    write!(
                        f,
                        "beacon: no Beacon named {name:?} is registered (registered: {names})"
                    )
                }
            }
            Error::TooManyEntries { count, limit } => write!(
                f,
                "data: at most {limit} session-data entries, found {count}"
            ),
            Error::ReservedKey { field } => write!(
                f,
                "{field}: a JavaScript object literal does not keep the key \"__proto__\"; rename it"
            ),
            Error::UnknownKey { map, key, takes } => {
                write!(f, "{map}: unknown key {key:?} ({map} takes {takes})")
            }
            Error::UnknownArgument {
                function,
                name,
                takes,
            } => write!(f, "unknown argument {name:?} ({function} takes {takes})"),
        }
    }
}

impl std::error::Error for Error {}
