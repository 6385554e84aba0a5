//! What the template adapters share: the one function that turns an
//! engine's input and keyword arguments into the emitted text, for every
//! template function. An adapter only hands over the engine's values as
//! serde deserializers and turns the error into the engine's own.
//!
//! ```
//! use helpscout_beacon::{Beacon, Beacons, Signer, template::{self, Function}};
//! use serde_json::json;
//!
//! let beacons = Beacons::from(Beacon::new("beacon-id", Signer::new("secret")?)?);
//! // {{ user.email | beacon_identify(name="Jane", nonce=csp_nonce) }}
//! let input = json!("jane@example.com");
//! let args = json!({"name": "Jane", "nonce": "abc123"});
//! let html = template::render_call(&beacons, Function::Identify, Some(&input), &args)?;
//! assert!(html.starts_with(r#"<script nonce="abc123">window.Beacon('identify', {"name":"Jane","email":"jane@example.com","#));
//!
//! // {{ beacon_init(user=current_user, nonce=csp_nonce) }}
//! let args = json!({"user": {"email": "jane@example.com"}, "nonce": "abc123"});
//! let html = template::render_call(&beacons, Function::Init, None::<&serde_json::Value>, &args)?;
//! assert!(html.starts_with(r#"<script nonce="abc123">!function(e,t,n){"#));
//! assert!(html.contains("window.Beacon('init', 'beacon-id');window.Beacon('identify', "));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use crate::beacon::{Beacon, Beacons};
use crate::call::{LogoutCall, Nonce, SCRIPT_END, push_script_nonce};
use crate::data::Prefill;
use crate::deserialize::{
    Arguments, CallArgs, Fields, Key, MapKind, PrefillSeed, SessionDataSeed, UserVisitor,
};
use crate::error::{Error, Field};
use crate::identity::{AttributeValue, IdentityRef};
use crate::signer::Signer;

/// The name of [`Function::Identify`].
pub const IDENTIFY: &str = Function::Identify.name();
/// The name of [`Function::Logout`].
pub const LOGOUT: &str = Function::Logout.name();

/// The template functions, by the name every engine registers them under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Function {
    /// `beacon_init`: Beacon's loader, `init`, `config` and, for a signed-in
    /// user, the signed identify call, in one script.
    Init,
    /// `beacon_identify`: the signed identify call.
    Identify,
    /// `beacon_session_data`: `window.Beacon('session-data', {…})`.
    SessionData,
    /// `beacon_prefill`: `window.Beacon('prefill', {…})`.
    Prefill,
    /// `beacon_logout`: `window.Beacon('logout', …)`.
    Logout,
}

impl Function {
    /// Every function, in the order a page uses them.
    pub const ALL: [Function; 5] = [
        Function::Init,
        Function::Identify,
        Function::SessionData,
        Function::Prefill,
        Function::Logout,
    ];

    /// The name every engine registers the function under.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Function::Init => "beacon_init",
            Function::Identify => "beacon_identify",
            Function::SessionData => "beacon_session_data",
            Function::Prefill => "beacon_prefill",
            Function::Logout => "beacon_logout",
        }
    }

    /// Whether the function takes an input: the value a filter is applied
    /// to (Tera, MiniJinja), or the first parameter (a MiniJinja function,
    /// a Handlebars helper). `beacon_identify` takes the user,
    /// `beacon_session_data` the data and `beacon_prefill` the form; the
    /// other two take keyword arguments only.
    #[must_use]
    pub const fn takes_input(self) -> bool {
        matches!(
            self,
            Function::Identify | Function::SessionData | Function::Prefill
        )
    }

    /// Which keyword arguments the function takes.
    const fn arguments(self) -> Arguments {
        match self {
            Function::Identify => Arguments {
                function: self.name(),
                takes: "email, name, company, jobTitle, avatar, attributes, nonce and beacon",
                accepts: |_| false,
            },
            Function::Init => Arguments {
                function: self.name(),
                takes: "user, logout, nonce and beacon",
                accepts: |key| matches!(key, Key::User | Key::Logout | Key::Nonce | Key::Beacon),
            },
            Function::SessionData => Arguments {
                function: self.name(),
                takes: "data, nonce and beacon",
                accepts: |key| matches!(key, Key::Data | Key::Nonce | Key::Beacon),
            },
            Function::Prefill => Arguments {
                function: self.name(),
                takes: "form, nonce and beacon",
                accepts: |key| matches!(key, Key::Form | Key::Nonce | Key::Beacon),
            },
            Function::Logout => Arguments {
                function: self.name(),
                takes: "endActiveChat, nonce and beacon",
                accepts: |key| matches!(key, Key::EndActiveChat { .. } | Key::Nonce | Key::Beacon),
            },
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything a template function does, in every engine: read the input
/// and the keyword arguments, pick the Beacon (`beacon="name"`, else the
/// default), validate, sign where it signs, and return the script text,
/// wrapped in `<script nonce="…">` when a nonce was given.
///
/// - [`Function::Identify`] takes as its input a user map or an email string,
///   by the rules of [`Identity`](crate::Identity)'s `Deserialize` (absent
///   or `null` is no input). The arguments `email`, `name`, `company`,
///   `jobTitle` (or `job_title`) and `avatar` replace the input's field;
///   `attributes` adds to the input's custom attributes (a key given there
///   replaces the input's).
/// - [`Function::Init`] takes `user` (none or undefined for a signed-out page,
///   which gets no identify) and `logout=true` (a `logout` before `init`,
///   for the page after signing out).
/// - [`Function::SessionData`] and [`Function::Prefill`] take the map as
///   the input, or as `data=` / `form=`.
/// - [`Function::Logout`] takes `endActiveChat`.
///
/// A `null` field argument is absent. A `null` nonce is an error
/// ([`Error::NullNonce`]): it almost always means a missing context
/// variable, and a script without its nonce would be blocked by the page's
/// Content Security Policy. Strings are borrowed from the engine's values
/// wherever its deserializer lends them.
///
/// # Errors
/// The deserializers' own errors, and every [`Error`] of reading the input
/// and arguments, choosing the Beacon, validating and signing, made with
/// [`de::Error::custom`] so that its message is the [`Error`]'s.
pub fn render_call<'de, E: de::Error>(
    beacons: &Beacons,
    function: Function,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
) -> Result<String, E> {
    let mut text = String::new();
    render_into(&mut text, beacons, function, input, args)?;
    Ok(text)
}

/// [`render_call`], handing the text to `f` from a buffer that each thread
/// keeps and reuses, rather than in a new `String`: for engines that copy
/// the text into their own output anyway (Tera's `Value`, Handlebars'
/// `Output`), which saves an allocation per render.
///
/// ```
/// use helpscout_beacon::{Beacons, Signer, template::{self, Function}};
/// use serde_json::json;
///
/// let beacons = Beacons::from(Signer::new("secret")?);
/// let mut page = String::from("<p>Hi</p>");
/// let input = json!({"email": "jane@example.com"});
/// template::render_call_with(&beacons, Function::Identify, Some(&input), &json!({"nonce": "n0nce"}), |html| {
///     page.push_str(html)
/// })?;
/// assert!(page.starts_with(r#"<p>Hi</p><script nonce="n0nce">window.Beacon('identify', "#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`render_call`]; `f` is called only on success.
pub fn render_call_with<'de, E: de::Error, R>(
    beacons: &Beacons,
    function: Function,
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
    let rendered = render_into(&mut text, beacons, function, input, args).map(|()| f(&text));
    if text.capacity() <= KEEP {
        let _ = BUFFER.try_with(|buffer| buffer.set(text));
    }
    rendered
}

/// `beacon_identify` for one signer, without registered Beacons: what
/// [`render_call`] does for [`Function::Identify`].
///
/// # Errors
/// As [`render_call`]; a `beacon` argument is an error, since there are no
/// named Beacons.
pub fn render<'de, E: de::Error>(
    signer: &Signer,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
) -> Result<String, E> {
    let mut text = String::new();
    identify_into(&mut text, |name| only(signer, name), input, args)?;
    Ok(text)
}

/// `beacon_logout` without registered Beacons: what [`render_call`] does
/// for [`Function::Logout`].
///
/// ```
/// use helpscout_beacon::template;
/// use serde_json::json;
///
/// let html = template::render_logout(&json!({"endActiveChat": true, "nonce": "n0nce"}))?;
/// assert_eq!(html, r#"<script nonce="n0nce">window.Beacon('logout', {"endActiveChat":true});</script>"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`render_call`].
pub fn render_logout<'de, E: de::Error>(
    args: impl Deserializer<'de, Error = E>,
) -> Result<String, E> {
    // Logout signs nothing, so any Beacon serves.
    static NONE: std::sync::OnceLock<Beacons> = std::sync::OnceLock::new();
    let beacons = NONE.get_or_init(Beacons::new);
    let mut text = String::new();
    render_into(
        &mut text,
        beacons,
        Function::Logout,
        None::<de::value::UnitDeserializer<E>>,
        args,
    )?;
    Ok(text)
}

/// The one signer, for a call without registered Beacons.
fn only<'a>(signer: &'a Signer, name: Option<&str>) -> Result<&'a Signer, Error> {
    match name {
        None => Ok(signer),
        Some(name) => Err(Error::UnknownBeacon {
            name: name.to_owned(),
            registered: Vec::new(),
        }),
    }
}

fn render_into<'de, E: de::Error>(
    text: &mut String,
    beacons: &Beacons,
    function: Function,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
) -> Result<(), E> {
    if function == Function::Identify {
        let signer = |name: Option<&str>| beacons.get(name).map(Beacon::signer);
        return identify_into(text, signer, input, args);
    }
    let args = CallArgs::read(args, function.arguments())?;
    // Only `init` needs the Beacon itself; the other calls are the same
    // for every Beacon, but a name that is not registered is still wrong.
    let beacon = match (function, args.beacon.as_deref()) {
        (Function::Init, name) | (_, name @ Some(_)) => {
            Some(beacons.get(name).map_err(de::Error::custom)?)
        }
        (_, None) => None,
    };
    let nonce = args
        .nonce
        .as_deref()
        .map(Nonce::check)
        .transpose()
        .map_err(de::Error::custom)?;
    // Straight into `text`, element and all: on an error the caller drops
    // what was written.
    if let Some(nonce) = nonce {
        push_script_nonce(text, nonce);
    }
    let script = &mut *text;
    match function {
        Function::Init => {
            let beacon = beacon.ok_or_else(|| de::Error::custom(Error::NoBeaconId))?;
            write_init(script, beacon, &args).map_err(de::Error::custom)?;
        }
        Function::SessionData => {
            let data = match input {
                Some(input) => SessionDataSeed.deserialize(input)?,
                None => None,
            };
            let data = data
                .or(args.data)
                .ok_or_else(|| missing(Field::SessionData))?;
            data.write(script).map_err(de::Error::custom)?;
        }
        Function::Prefill => {
            let form = match input {
                Some(input) => PrefillSeed.deserialize(input)?,
                None => None,
            };
            let form: Prefill = form.or(args.form).ok_or_else(|| missing(Field::Prefill))?;
            form.write(script);
        }
        Function::Logout => {
            let call = LogoutCall::new().end_active_chat(args.end_active_chat);
            script.push_str(call.as_str());
        }
        Function::Identify => {}
    }
    if nonce.is_some() {
        text.push_str(SCRIPT_END);
    }
    Ok(())
}

/// No data where a function needs it.
fn missing<E: de::Error>(field: Field) -> E {
    let expected = match field {
        Field::SessionData => "a map of session data (the input, or data=)",
        _ => "a map of the contact form's fields (the input, or form=)",
    };
    de::Error::custom(Error::WrongType {
        field,
        expected,
        found: "nothing",
    })
}

/// The loader, a logout when asked, `init`, `config`, and the identify call
/// when a user was given.
fn write_init(text: &mut String, beacon: &Beacon, args: &CallArgs<'_>) -> Result<(), Error> {
    beacon.write_init(text, args.logout)?;
    if let Some(user) = &args.user {
        let none = Fields::default();
        let attributes = merged_attributes(user, &none);
        let identity = merged(user, &none, &attributes).ok_or(Error::MissingEmail)?;
        beacon.signer().write_identify_text(text, identity, None)?;
    }
    Ok(())
}

fn identify_into<'de, 's, E: de::Error>(
    text: &mut String,
    signer: impl FnOnce(Option<&str>) -> Result<&'s Signer, Error>,
    input: Option<impl Deserializer<'de, Error = E>>,
    args: impl Deserializer<'de, Error = E>,
) -> Result<(), E> {
    let mut user = Fields::default();
    if let Some(input) = input {
        input.deserialize_option(UserVisitor::optional(&mut user))?;
    }
    let mut given = Fields::default();
    args.deserialize_map(ArgsVisitor(&mut given))?;
    let signer = signer(given.beacon.as_deref()).map_err(de::Error::custom)?;
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
        self.0
            .read_map(map, MapKind::Arguments(Function::Identify.arguments()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn signer() -> Signer {
        Signer::new("k").unwrap()
    }

    fn beacons() -> Beacons {
        Beacons::from(signer())
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
            let owned = render_call(&beacons(), Function::Identify, Some(input), args)
                .map_err(|e| e.to_string());
            let lent = render_call_with(
                &beacons(),
                Function::Identify,
                Some(input),
                args,
                str::to_owned,
            )
            .map_err(|e| e.to_string());
            assert_eq!(lent, owned, "{input} {args}");
        }
        // Twice in a row on one thread: the reused buffer starts empty.
        for _ in 0..2 {
            let text = render_call_with(
                &beacons(),
                Function::Identify,
                Some(&json!("a@b.c")),
                json!({}),
                str::to_owned,
            );
            assert!(text.unwrap().starts_with("window.Beacon('identify', "));
        }
    }

    #[test]
    fn render_with_inside_render_with_gets_its_own_buffer() {
        let outer = render_call_with(
            &beacons(),
            Function::Identify,
            Some(&json!("outer@b.c")),
            json!({}),
            |outer| {
                let inner = render_call_with(
                    &beacons(),
                    Function::Identify,
                    Some(&json!("inner@b.c")),
                    json!({}),
                    |inner| inner.to_owned(),
                );
                (outer.to_owned(), inner.unwrap())
            },
        )
        .unwrap();
        assert!(outer.0.contains("outer@b.c") && !outer.0.contains("inner@b.c"));
        assert!(outer.1.contains("inner@b.c") && !outer.1.contains("outer@b.c"));
    }
}
