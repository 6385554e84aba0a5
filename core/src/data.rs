//! The calls that carry the app's own data to Beacon: `session-data`
//! (shown to agents beside the conversation) and `prefill` (the contact
//! form's fields).

use std::collections::BTreeMap;

use crate::call::Script;
use crate::error::{Error, Field};
use crate::identity::AttributeValue;
use crate::json::{write_str, write_string_map};

/// Beacon keeps at most this many session-data entries.
pub const SESSION_DATA_LIMIT: usize = 20;

/// `window.Beacon('session-data', {…})`: what the agent sees about the
/// visitor's session. Values are strings, numbers or booleans, written as
/// strings (Beacon shows text); keys come out in order.
///
/// ```
/// use helpscout_beacon::SessionData;
///
/// let call = SessionData::new().entry("plan", "Pro").entry("seats", 12).entry("trial", false).call()?;
/// assert_eq!(
///     call.as_str(),
///     r#"window.Beacon('session-data', {"plan":"Pro","seats":"12","trial":"false"});"#
/// );
/// # Ok::<(), helpscout_beacon::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionData {
    pub(crate) entries: BTreeMap<String, String>,
}

impl SessionData {
    /// No entries yet.
    #[must_use]
    pub fn new() -> SessionData {
        SessionData::default()
    }

    /// Adds (or replaces) an entry.
    #[must_use]
    pub fn entry(
        mut self,
        key: impl Into<String>,
        value: impl Into<AttributeValue>,
    ) -> SessionData {
        self.entries.insert(key.into(), as_text(value.into()));
        self
    }

    /// The call's text.
    ///
    /// # Errors
    /// [`Error::TooManyEntries`] for more than 20 entries, and
    /// [`Error::ReservedKey`] for a `__proto__` key, which an object literal
    /// does not keep.
    pub fn call(&self) -> Result<Script, Error> {
        let mut text = String::new();
        self.write(&mut text)?;
        Ok(Script::new(text))
    }

    pub(crate) fn write(&self, text: &mut String) -> Result<(), Error> {
        if self.entries.len() > SESSION_DATA_LIMIT {
            return Err(Error::TooManyEntries {
                count: self.entries.len(),
                limit: SESSION_DATA_LIMIT,
            });
        }
        if self.entries.contains_key("__proto__") {
            return Err(Error::ReservedKey {
                field: Field::Data("__proto__".into()),
            });
        }
        text.push_str("window.Beacon('session-data', ");
        write_string_map(
            text,
            self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        text.push_str(");");
        Ok(())
    }
}

/// A session-data value as the text Beacon shows.
pub(crate) fn as_text(value: AttributeValue) -> String {
    match value {
        AttributeValue::String(s) => s,
        AttributeValue::Number(n) => n.to_string(),
        AttributeValue::Bool(b) => b.to_string(),
    }
}

/// The value of a custom field of the contact form: text, or the number of
/// a dropdown option.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Text.
    Text(String),
    /// A number, such as a dropdown option's ID.
    Number(serde_json::Number),
}

impl From<&str> for FieldValue {
    fn from(value: &str) -> Self {
        FieldValue::Text(value.to_owned())
    }
}

impl From<String> for FieldValue {
    fn from(value: String) -> Self {
        FieldValue::Text(value)
    }
}

impl From<u64> for FieldValue {
    fn from(value: u64) -> Self {
        FieldValue::Number(value.into())
    }
}

impl From<i64> for FieldValue {
    fn from(value: i64) -> Self {
        FieldValue::Number(value.into())
    }
}

/// `window.Beacon('prefill', {…})`: fills in Beacon's contact form.
///
/// ```
/// use helpscout_beacon::Prefill;
///
/// let call = Prefill::new().subject("Refund for order 1234").text("Hi!").field(5678, "Pro").call()?;
/// assert_eq!(
///     call.as_str(),
///     r#"window.Beacon('prefill', {"subject":"Refund\u0020for\u0020order\u00201234","text":"Hi!","fields":[{"id":5678,"value":"Pro"}]});"#
/// );
/// # Ok::<(), helpscout_beacon::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prefill {
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) text: Option<String>,
    pub(crate) fields: Vec<(u64, FieldValue)>,
}

impl Prefill {
    /// An empty form.
    #[must_use]
    pub fn new() -> Prefill {
        Prefill::default()
    }

    /// The sender's name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Prefill {
        self.name = Some(name.into());
        self
    }

    /// The sender's email.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Prefill {
        self.email = Some(email.into());
        self
    }

    /// The message's subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Prefill {
        self.subject = Some(subject.into());
        self
    }

    /// The message's text.
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Prefill {
        self.text = Some(text.into());
        self
    }

    /// A custom field of the form, by its ID in Help Scout.
    #[must_use]
    pub fn field(mut self, id: u64, value: impl Into<FieldValue>) -> Prefill {
        self.fields.push((id, value.into()));
        self
    }

    /// The call's text.
    ///
    /// # Errors
    /// None today; a `Result` so that checks can be added without a breaking
    /// change.
    pub fn call(&self) -> Result<Script, Error> {
        let mut text = String::new();
        self.write(&mut text);
        Ok(Script::new(text))
    }

    pub(crate) fn write(&self, out: &mut String) {
        out.push_str("window.Beacon('prefill', {");
        let mut first = true;
        let mut comma = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
        };
        for (key, value) in [
            ("\"name\":", &self.name),
            ("\"email\":", &self.email),
            ("\"subject\":", &self.subject),
            ("\"text\":", &self.text),
        ] {
            if let Some(value) = value {
                comma(out);
                out.push_str(key);
                write_str(out, value);
            }
        }
        if !self.fields.is_empty() {
            comma(out);
            out.push_str("\"fields\":[");
            for (i, (id, value)) in self.fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"id\":");
                out.push_str(&id.to_string());
                out.push_str(",\"value\":");
                match value {
                    FieldValue::Text(text) => write_str(out, text),
                    FieldValue::Number(n) => out.push_str(&n.to_string()),
                }
                out.push('}');
            }
            out.push(']');
        }
        out.push_str("});");
    }
}
