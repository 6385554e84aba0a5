//! What the template adapters share: the keyword arguments of
//! `beacon_identify` and the one function that turns an engine's input into
//! the emitted text. An adapter only converts the engine's values into these
//! types (through serde) and the [`Error`] into the engine's error.
//!
//! ```
//! use helpscout_beacon::{Identity, Signer, template::{self, TemplateArgs}};
//!
//! let signer = Signer::new("secret")?;
//! // {{ user.email | beacon_identify(name="Jane", nonce=csp_nonce) }}
//! let input: Option<Identity> = serde_json::from_str(r#""jane@example.com""#)?;
//! let args: TemplateArgs = serde_json::from_str(r#"{"name": "Jane", "nonce": "abc123"}"#)?;
//! let html = template::render(&signer, input, args)?;
//! assert!(html.starts_with(r#"<script nonce="abc123">window.Beacon('identify', {"name":"Jane","email":"jane@example.com","#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::call::LogoutCall;
use crate::error::{Error, Field};
use crate::identity::{Fields, Identity, Key, Raw};
use crate::signer::Signer;

/// The keyword (Tera, MiniJinja) or hash (Handlebars) arguments of
/// `beacon_identify`: `email`, `name`, `company`, `jobTitle`, `avatar` and
/// `attributes` override the input's fields, and `nonce` wraps the call in
/// `<script nonce="…">`.
///
/// A `null` field argument is absent. A `null` nonce is an error: it almost
/// always means a missing context variable, and a script without its nonce
/// would be blocked by the page's Content Security Policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateArgs {
    /// The field arguments; their `nonce` is moved out, checked, below.
    fields: Fields,
    nonce: Option<String>,
}

impl TemplateArgs {
    /// The nonce for the `<script nonce="…">` tag, if one was given.
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// The input with these arguments applied over it.
    ///
    /// # Errors
    /// [`Error::MissingEmail`] when neither the input nor `email=` gives one.
    pub fn apply(self, input: Option<Identity>) -> Result<Identity, Error> {
        let given = self.fields;
        let mut identity = match (input, given.email) {
            (Some(mut identity), Some(email)) => {
                identity.email = email;
                identity
            }
            (Some(identity), None) => identity,
            (None, Some(email)) => Identity::new(email),
            (None, None) => return Err(Error::MissingEmail),
        };
        let overrides = [
            (&mut identity.name, given.name),
            (&mut identity.company, given.company),
            (&mut identity.job_title, given.job_title),
            (&mut identity.avatar, given.avatar),
        ];
        for (field, value) in overrides {
            if value.is_some() {
                *field = value;
            }
        }
        identity
            .attributes
            .extend(given.attributes.unwrap_or_default());
        Ok(identity)
    }
}

impl<'de> Deserialize<'de> for TemplateArgs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArgsVisitor;
        impl<'de> Visitor<'de> for ArgsVisitor {
            type Value = TemplateArgs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("keyword arguments")
            }
            fn visit_unit<E>(self) -> Result<TemplateArgs, E> {
                Ok(TemplateArgs::default())
            }
            fn visit_none<E>(self) -> Result<TemplateArgs, E> {
                Ok(TemplateArgs::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TemplateArgs, A::Error> {
                let mut fields = Fields::read_map(map, Some("beacon_identify"))?;
                let nonce = fields.nonce.take().map(nonce).transpose()?;
                Ok(TemplateArgs { fields, nonce })
            }
        }
        deserializer.deserialize_map(ArgsVisitor)
    }
}

/// Everything `beacon_identify` does, in every engine: apply the arguments
/// to the input, validate, sign, and return the call, wrapped in
/// `<script nonce="…">` when a nonce was given.
///
/// # Errors
/// Any [`Error`] of [`TemplateArgs::apply`], [`Signer::identify`] or
/// [`IdentifyCall::script_tag`](crate::IdentifyCall::script_tag).
pub fn render(
    signer: &Signer,
    input: Option<Identity>,
    args: TemplateArgs,
) -> Result<String, Error> {
    let nonce = args.nonce.clone();
    let call = signer.identify(&args.apply(input)?)?;
    match nonce {
        Some(nonce) => call.script_tag(Some(&nonce)),
        None => Ok(call.into_string()),
    }
}

/// The keyword (Tera, MiniJinja) or hash (Handlebars) arguments of
/// `beacon_logout`: `endActiveChat` (a boolean; `null` is `false`) and
/// `nonce`, as for [`TemplateArgs`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutArgs {
    end_active_chat: bool,
    nonce: Option<String>,
}

impl<'de> Deserialize<'de> for LogoutArgs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArgsVisitor;
        impl<'de> Visitor<'de> for ArgsVisitor {
            type Value = LogoutArgs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("keyword arguments")
            }
            fn visit_unit<E>(self) -> Result<LogoutArgs, E> {
                Ok(LogoutArgs::default())
            }
            fn visit_none<E>(self) -> Result<LogoutArgs, E> {
                Ok(LogoutArgs::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LogoutArgs, A::Error> {
                let mut args = LogoutArgs::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Nonce => args.nonce = Some(nonce(map.next_value()?)?),
                        Key::EndActiveChat => {
                            args.end_active_chat = match map.next_value()? {
                                Raw::Null => false,
                                Raw::Bool(end) => end,
                                other => {
                                    return Err(de::Error::custom(Error::WrongType {
                                        field: Field::EndActiveChat,
                                        expected: "a boolean",
                                        found: other.kind(),
                                    }));
                                }
                            }
                        }
                        other => {
                            return Err(de::Error::custom(Error::UnknownArgument {
                                function: "beacon_logout",
                                name: other.name(),
                            }));
                        }
                    }
                }
                Ok(args)
            }
        }
        deserializer.deserialize_map(ArgsVisitor)
    }
}

/// A given nonce: a string; `null` almost always means a missing context
/// variable, and a script without its nonce would be blocked by the CSP.
fn nonce<E: de::Error>(raw: Raw) -> Result<String, E> {
    match raw {
        Raw::Null => Err(de::Error::custom(Error::InvalidNonce)),
        Raw::Str(nonce) => Ok(nonce),
        other => Err(de::Error::custom(Error::WrongType {
            field: Field::Nonce,
            expected: "a string",
            found: other.kind(),
        })),
    }
}

/// Everything `beacon_logout` does, in every engine: the logout call,
/// wrapped in `<script nonce="…">` when a nonce was given.
///
/// # Errors
/// [`Error::InvalidNonce`] unless the nonce is one or more of
/// `A-Z a-z 0-9 + / - _` followed by at most two `=`.
pub fn render_logout(args: LogoutArgs) -> Result<String, Error> {
    let call = LogoutCall::new().end_active_chat(args.end_active_chat);
    match args.nonce {
        Some(nonce) => call.script_tag(Some(&nonce)),
        None => Ok(call.as_str().to_owned()),
    }
}
