//! What the template adapters share: the one function that turns an
//! engine's input and keyword arguments into the emitted text. An adapter
//! only hands over the engine's values as serde deserializers and turns the
//! error into the engine's own.
//!
//! ```
//! use helpscout_beacon::{Signer, template};
//! use serde_json::json;
//!
//! let signer = Signer::new("secret")?;
//! // {{ user.email | beacon_identify(name="Jane", nonce=csp_nonce) }}
//! let input = json!("jane@example.com");
//! let args = json!({"name": "Jane", "nonce": "abc123"});
//! let html = template::render(&signer, Some(&input), &args)?;
//! assert!(html.starts_with(r#"<script nonce="abc123">window.Beacon('identify', {"name":"Jane","email":"jane@example.com","#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::call::LogoutCall;
use crate::deserialize::{Arguments, Fields, LogoutArgs, MapKind, UserVisitor};
use crate::error::Error;
use crate::identity::{AttributeValue, IdentityRef};
use crate::signer::Signer;

/// The name every engine registers the identify filter (Tera, MiniJinja)
/// or helper (Handlebars) under.
pub const IDENTIFY: &str = "beacon_identify";
/// The name every engine registers the logout function or helper under.
pub const LOGOUT: &str = "beacon_logout";

const IDENTIFY_ARGUMENTS: Arguments = Arguments {
    function: IDENTIFY,
    takes: "email, name, company, jobTitle, avatar, attributes and nonce",
};
const LOGOUT_ARGUMENTS: Arguments = Arguments {
    function: LOGOUT,
    takes: "endActiveChat and nonce",
};

/// Everything `beacon_identify` does, in every engine: read the input (a
/// user map or an email string, by the rules of
/// [`Identity`](crate::Identity)'s `Deserialize`; absent or `null` is no
/// input) and the keyword arguments, apply the arguments over the input,
/// validate, sign, and return the call, wrapped in `<script nonce="…">`
/// when a nonce was given.
///
/// The arguments `email`, `name`, `company`, `jobTitle` (or `job_title`)
/// and `avatar` replace the input's field; `attributes` adds to the
/// input's custom attributes (a key given there replaces the input's);
/// `nonce` wraps the call. A `null` field argument is absent. A `null`
/// nonce is an error ([`Error::NullNonce`]): it almost always means a
/// missing context variable, and a script without its nonce would be
/// blocked by the page's Content Security Policy.
///
/// The fields' strings are borrowed from the engine's values wherever its
/// deserializer lends them (custom attributes are copied).
///
/// # Errors
/// The deserializers' own errors, and every [`Error`] of reading the
/// input and arguments, [`Signer::identify`] or
/// [`IdentifyCall::script_tag`](crate::IdentifyCall::script_tag), made with
/// [`de::Error::custom`] so that its message is the [`Error`]'s.
pub fn render<'de, E: de::Error>(
    signer: &Signer,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
) -> Result<String, E> {
    let mut text = String::new();
    render_into(&mut text, signer, input, args)?;
    Ok(text)
}

/// [`render`], handing the text to `f` from a buffer that each thread
/// keeps and reuses, rather than in a new `String`: for engines that copy
/// the text into their own output anyway (Tera's `Value`, Handlebars'
/// `Output`), which saves an allocation per render.
///
/// ```
/// use helpscout_beacon::{Signer, template};
/// use serde_json::json;
///
/// let signer = Signer::new("secret")?;
/// let mut page = String::from("<p>Hi</p>");
/// let input = json!({"email": "jane@example.com"});
/// template::render_with(&signer, Some(&input), &json!({"nonce": "n0nce"}), |html| {
///     page.push_str(html)
/// })?;
/// assert!(page.starts_with(r#"<p>Hi</p><script nonce="n0nce">window.Beacon('identify', "#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`render`]; `f` is called only on success.
pub fn render_with<'de, E: de::Error, R>(
    signer: &Signer,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
    f: impl FnOnce(&str) -> R,
) -> Result<R, E> {
    thread_local! {
        static BUFFER: Cell<String> = const { Cell::new(String::new()) };
    }
    // The text of a call is a few hundred bytes; a buffer grown past this
    // by an unusual one is let go rather than kept for the thread's life.
    const KEEP: usize = 4096;
    // Taken out while in use: a render inside `f`, or one while the thread
    // shuts down, finds no buffer there and grows one of its own.
    let mut text = BUFFER.try_with(Cell::take).unwrap_or_default();
    text.clear();
    let rendered = render_into(&mut text, signer, input, args).map(|()| f(&text));
    if text.capacity() <= KEEP {
        let _ = BUFFER.try_with(|buffer| buffer.set(text));
    }
    rendered
}

fn render_into<'de, E: de::Error>(
    text: &mut String,
    signer: &Signer,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
) -> Result<(), E> {
    let mut user = Fields::default();
    if let Some(input) = input {
        input.deserialize_option(UserVisitor::optional(&mut user))?;
    }
    let mut given = Fields::default();
    args.deserialize_map(ArgsVisitor(&mut given))?;
    let attributes = merged_attributes(&user, &given);
    let identity =
        merged(&user, &given, &attributes).ok_or_else(|| de::Error::custom(Error::MissingEmail))?;
    signer
        .write_identify_text(text, identity, given.nonce())
        .map_err(de::Error::custom)
}

/// The user's fields with the given ones over them; `None` without an
/// email.
#[inline]
fn merged<'a>(
    user: &'a Fields<'_>,
    given: &'a Fields<'_>,
    attributes: &'a BTreeMap<String, AttributeValue>,
) -> Option<IdentityRef<'a>> {
    fn pick<'a>(given: &'a Option<Cow<'_, str>>, own: &'a Option<Cow<'_, str>>) -> Option<&'a str> {
        given.as_deref().or(own.as_deref())
    }
    Some(IdentityRef {
        email: pick(&given.email, &user.email)?,
        name: pick(&given.name, &user.name),
        company: pick(&given.company, &user.company),
        job_title: pick(&given.job_title, &user.job_title),
        avatar: pick(&given.avatar, &user.avatar),
        attributes,
    })
}

/// The user's custom attributes with the given ones added (a given key
/// replaces the user's), copied only when both have some.
fn merged_attributes<'a>(
    user: &'a Fields<'_>,
    given: &'a Fields<'_>,
) -> Cow<'a, BTreeMap<String, AttributeValue>> {
    static NONE: BTreeMap<String, AttributeValue> = BTreeMap::new();
    match (&user.attributes, &given.attributes) {
        (Some(own), Some(extra)) => {
            let mut all = own.clone();
            all.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
            Cow::Owned(all)
        }
        (Some(one), None) | (None, Some(one)) => Cow::Borrowed(one),
        (None, None) => Cow::Borrowed(&NONE),
    }
}

/// Reads the keyword arguments of `beacon_identify` into the fields.
struct ArgsVisitor<'a, 'de>(&'a mut Fields<'de>);

impl<'de> Visitor<'de> for ArgsVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("keyword arguments")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.read_map(map, MapKind::Arguments(IDENTIFY_ARGUMENTS))
    }
}

/// Everything `beacon_logout` does, in every engine: read the keyword
/// arguments `endActiveChat` (a boolean; `null` is `false`) and `nonce`,
/// and return the logout call, wrapped in `<script nonce="…">` when a
/// nonce was given.
///
/// ```
/// use helpscout_beacon::template;
/// use serde_json::json;
///
/// let html = template::render_logout(json!({"endActiveChat": true, "nonce": "n0nce"}))?;
/// assert_eq!(html, r#"<script nonce="n0nce">window.Beacon('logout', {"endActiveChat":true});</script>"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The deserializer's own errors, and an [`Error`] for an argument it
/// does not take, an `endActiveChat` that is not a boolean, both of its
/// spellings with different values, or a bad nonce.
pub fn render_logout<'de, E: de::Error>(
    args: impl Deserializer<'de, Error = E>,
) -> Result<String, E> {
    let args = LogoutArgs::read(args, LOGOUT_ARGUMENTS)?;
    let call = LogoutCall::new().end_active_chat(args.end_active_chat);
    match args.nonce {
        Some(nonce) => call.script_tag(Some(&nonce)).map_err(de::Error::custom),
        None => Ok(call.as_str().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn signer() -> Signer {
        Signer::new("k").unwrap()
    }

    #[test]
    fn render_with_hands_over_what_render_returns() {
        let cases = [
            (json!({"email": "a@b.c", "name": "<Jane>"}), json!({})),
            (json!("a@b.c"), json!({"nonce": "n0nce", "company": "Acme"})),
            (
                Value::Null,
                json!({"email": "x@y.z", "attributes": {"plan": "pro"}}),
            ),
            // Errors pass through unchanged.
            (json!({"name": "no email"}), json!({})),
            (json!("a@b.c"), json!({"nonce": "bad nonce"})),
            (json!("a@b.c"), json!({"nonse": "typo"})),
        ];
        for (input, args) in &cases {
            let owned = render(&signer(), Some(input), args).map_err(|e| e.to_string());
            let lent =
                render_with(&signer(), Some(input), args, str::to_owned).map_err(|e| e.to_string());
            assert_eq!(lent, owned, "{input} {args}");
        }
        // Twice in a row on one thread: the reused buffer starts empty.
        for _ in 0..2 {
            let text = render_with(&signer(), Some(&json!("a@b.c")), json!({}), str::to_owned);
            assert!(text.unwrap().starts_with("window.Beacon('identify', "));
        }
    }

    #[test]
    fn render_with_inside_render_with_gets_its_own_buffer() {
        let outer = render_with(&signer(), Some(&json!("outer@b.c")), json!({}), |outer| {
            let inner = render_with(&signer(), Some(&json!("inner@b.c")), json!({}), |inner| {
                inner.to_owned()
            });
            (outer.to_owned(), inner.unwrap())
        })
        .unwrap();
        assert!(outer.0.contains("outer@b.c") && !outer.0.contains("inner@b.c"));
        assert!(outer.1.contains("inner@b.c") && !outer.1.contains("outer@b.c"));
    }
}
