//! The output: the calls as script text, and the `<script>` element around
//! them.

use std::fmt;

use crate::error::Error;
use crate::identity::{Identity, IdentityRef};
use crate::json::write_identify_object;
use crate::signer::{Signature, Signer};
use crate::validate::Payload;

const PREFIX: &str = "window.Beacon('identify', ";
const SUFFIX: &str = ");";

/// A signed `window.Beacon('identify', {…});` call, safe to place inside a
/// `<script>` element as it is.
///
/// Made by [`Signer::identify`](crate::Signer::identify). Its text is ASCII
/// only, and no user string in it leaves a raw `<`, `>`, `&`, `'`, `` ` ``,
/// `$`, space, `/` or `=` (each is a `\uXXXX` escape, as is every character
/// above U+007F), so no user string can close the script element or the
/// JavaScript string, whatever encoding the page is decoded in. It belongs
/// inside a `<script>` element, never in an HTML attribute value.
///
/// The object's keys come in one fixed order, each only when it has a value:
/// `name`, `email`, `company`, `jobTitle`, `avatar`, the custom attributes
/// in the order of their keys, and `signature` last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifyCall {
    text: String,
    signature: Signature,
}

impl IdentifyCall {
    pub(crate) fn new(payload: &Payload<'_>, signature: Signature) -> Self {
        let mut text = String::new();
        write_identify_text(&mut text, payload, &signature, None);
        IdentifyCall { text, signature }
    }

    /// The call's text: `window.Beacon('identify', {…});`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The call's text, without copying.
    #[must_use]
    pub fn into_string(self) -> String {
        self.text
    }

    /// The identify object alone, as script-safe JSON.
    #[must_use]
    pub fn json(&self) -> &str {
        &self.text[PREFIX.len()..self.text.len() - SUFFIX.len()]
    }

    /// The signature in the call.
    #[must_use]
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The call wrapped in a `<script>` element, with a `nonce` attribute
    /// for a Content Security Policy when one is given.
    ///
    /// ```
    /// # use helpscout_beacon::{Identity, Signer};
    /// let call = Signer::new("secret")?.identify(&Identity::new("jane@example.com"))?;
    /// let tag = call.script_tag(Some("r4nd0m+nonce=="))?;
    /// assert!(tag.starts_with(r#"<script nonce="r4nd0m+nonce==">window.Beacon('identify', "#));
    /// assert!(tag.ends_with(");</script>"));
    /// assert!(call.script_tag(Some(r#""><script>"#)).is_err());
    /// # Ok::<(), helpscout_beacon::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidNonce`] unless the nonce is one or more of
    /// `A-Z a-z 0-9 + / - _` followed by at most two `=`.
    pub fn script_tag(&self, nonce: Option<&str>) -> Result<String, Error> {
        script_element(&self.text, nonce)
    }

    /// The CSP hash source of the call's text, `'sha256-…'`, for a page
    /// that cannot carry a nonce: add it to `script-src` and put the text in
    /// a `<script>` element exactly as it is.
    ///
    /// ```
    /// # use helpscout_beacon::{Identity, Signer};
    /// let call = Signer::new("secret")?.identify(&Identity::new("jane@example.com"))?;
    /// assert_eq!(call.csp_hash(), helpscout_beacon::csp::script_hash(call.as_str()));
    /// assert!(call.csp_hash().starts_with("'sha256-"));
    /// # Ok::<(), helpscout_beacon::Error>(())
    /// ```
    #[must_use]
    pub fn csp_hash(&self) -> String {
        crate::csp::script_hash(&self.text)
    }
}

impl Signer {
    /// Validates `identity` against Beacon's limits, signs its email and
    /// builds the script-safe identify call.
    ///
    /// # Errors
    /// An [`Error`] naming the field and the rule for an empty email, a bad
    /// or reserved attribute key, an integer attribute beyond JavaScript's
    /// exact range, too many attributes, or (under
    /// [`LimitPolicy::Strict`](crate::LimitPolicy::Strict)) an over-long
    /// field or an invalid avatar.
    pub fn identify(&self, identity: &Identity) -> Result<IdentifyCall, Error> {
        let payload = Payload::new(identity.view(), self.policy())?;
        let signature = self.sign(payload.email);
        Ok(IdentifyCall::new(&payload, signature))
    }

    /// Validates `identity` against Beacon's limits and signs its email, as
    /// data rather than script text: what a single-page app or a mobile SDK
    /// fetches (for example as JSON from the app's API) to call
    /// `Beacon('identify', …)` itself.
    ///
    /// ```
    /// use helpscout_beacon::{Identity, Signer};
    ///
    /// let signer = Signer::new("secret")?;
    /// let signed = signer.signed_identity(&Identity::new("jane@example.com").name("Jane").attribute("plan", "pro"))?;
    /// let json = serde_json::to_string(&signed).unwrap();
    /// let signature = signer.sign("jane@example.com");
    /// assert_eq!(json, format!(r#"{{"name":"Jane","email":"jane@example.com","plan":"pro","signature":"{signature}"}}"#));
    /// # Ok::<(), helpscout_beacon::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`identify`](Self::identify).
    pub fn signed_identity(&self, identity: &Identity) -> Result<SignedIdentity, Error> {
        let payload = Payload::new(identity.view(), self.policy())?;
        Ok(SignedIdentity {
            signature: self.sign(payload.email),
            identity: payload.to_identity(),
        })
    }

    /// Appends the call's text for `identity` to `text`, in a
    /// `<script nonce="…">` element when a nonce is given: what
    /// [`identify`](Self::identify) and [`IdentifyCall::script_tag`] make,
    /// in one buffer, for the template path.
    pub(crate) fn write_identify_text(
        &self,
        text: &mut String,
        identity: IdentityRef<'_>,
        nonce: Option<&str>,
    ) -> Result<(), Error> {
        let payload = Payload::new(identity, self.policy())?;
        let nonce = nonce.map(Nonce::check).transpose()?;
        let signature = self.sign(payload.email);
        write_identify_text(text, &payload, &signature, nonce);
        Ok(())
    }
}

/// Appends the call's text, in a `<script nonce="…">` element when a nonce
/// is given, growing `text` at most once.
fn write_identify_text(
    text: &mut String,
    payload: &Payload<'_>,
    signature: &Signature,
    nonce: Option<Nonce<'_>>,
) {
    text.reserve(initial_capacity(payload, nonce));
    if let Some(nonce) = nonce {
        push_script_nonce(text, nonce);
    }
    text.push_str(PREFIX);
    write_identify_object(text, payload, signature.as_str());
    text.push_str(SUFFIX);
    if nonce.is_some() {
        text.push_str(SCRIPT_END);
    }
}

const SCRIPT_NONCE: &str = "<script nonce=\"";
pub(crate) const SCRIPT_END: &str = "</script>";

/// Keys, quotes, commas and the signature, plus the strings themselves:
/// enough for any input without escapes, so the buffer is sized once.
fn initial_capacity(payload: &Payload<'_>, nonce: Option<Nonce<'_>>) -> usize {
    let element = nonce.map_or(0, |n| SCRIPT_NONCE.len() + n.0.len() + 2 + SCRIPT_END.len());
    element + PREFIX.len() + SUFFIX.len() + 160 + 4 * payload.attributes.len() + payload.text_len()
}

/// `text` in a `<script>` element, with a checked `nonce` attribute.
fn script_element(text: &str, nonce: Option<&str>) -> Result<String, Error> {
    let nonce = nonce.map(Nonce::check).transpose()?;
    let mut tag = String::with_capacity(text.len() + 40);
    write_script_element(&mut tag, text, nonce);
    Ok(tag)
}

/// `<script nonce="…">`: the only way a nonce reaches the output.
pub(crate) fn push_script_nonce(text: &mut String, nonce: Nonce<'_>) {
    text.push_str(SCRIPT_NONCE);
    text.push_str(nonce.0);
    text.push_str("\">");
}

/// A nonce that has passed [`Nonce::check`], so it can go into an
/// attribute as it is.
#[derive(Clone, Copy)]
pub(crate) struct Nonce<'a>(&'a str);

impl<'a> Nonce<'a> {
    /// A nonce that follows the CSP grammar (see [`crate::csp::Nonce`]).
    pub(crate) fn check(nonce: &'a str) -> Result<Self, Error> {
        crate::csp::check(nonce)?;
        Ok(Nonce(nonce))
    }
}

/// Appends `text` in a `<script>` element, with a checked `nonce`
/// attribute when one is given.
fn write_script_element(out: &mut String, text: &str, nonce: Option<Nonce<'_>>) {
    match nonce {
        Some(nonce) => push_script_nonce(out, nonce),
        None => out.push_str("<script>"),
    }
    out.push_str(text);
    out.push_str(SCRIPT_END);
}

/// A validated, signed identity as data (see
/// [`Signer::signed_identity`]). It serializes as the object Beacon's
/// identify call takes, in Beacon's order: `name`, `email`, `company`,
/// `jobTitle`, `avatar`, the custom attributes by key, `signature` last;
/// limits applied as [`Signer::identify`] applies them.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIdentity {
    identity: Identity,
    signature: Signature,
}

impl SignedIdentity {
    /// The identity as it is signed and sent, after Beacon's limits.
    #[must_use]
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The signature of its email.
    #[must_use]
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl serde::Serialize for SignedIdentity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let identity = self.identity.view();
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in [
            ("name", identity.name),
            ("email", Some(identity.email)),
            ("company", identity.company),
            ("jobTitle", identity.job_title),
            ("avatar", identity.avatar),
        ] {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        for (key, value) in identity.attributes {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("signature", self.signature.as_str())?;
        map.end()
    }
}

/// The text of a script that the crate made: every string in it escaped
/// for the script context (see [`IdentifyCall`]), so it is safe inside a
/// `<script>` element as it is, and belongs nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    text: String,
}

impl Script {
    pub(crate) fn new(text: String) -> Script {
        Script { text }
    }

    /// The script's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The script's text, without copying.
    #[must_use]
    pub fn into_string(self) -> String {
        self.text
    }

    /// The script in a `<script>` element, with a `nonce` attribute for a
    /// Content Security Policy when one is given.
    ///
    /// # Errors
    /// [`Error::InvalidNonce`] unless the nonce follows the CSP grammar.
    pub fn script_tag(&self, nonce: Option<&str>) -> Result<String, Error> {
        script_element(&self.text, nonce)
    }

    /// The CSP hash source of the script's text, `'sha256-…'`, for a page
    /// that cannot carry a nonce: add it to `script-src` and put the text
    /// in a `<script>` element exactly as it is.
    #[must_use]
    pub fn csp_hash(&self) -> String {
        crate::csp::script_hash(&self.text)
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl AsRef<str> for Script {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for IdentifyCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl AsRef<str> for IdentifyCall {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl From<IdentifyCall> for String {
    fn from(call: IdentifyCall) -> String {
        call.text
    }
}

/// Beacon's `logout` call, which clears the identity from the browser: put
/// it on the page a user lands on after signing out, so the next person at
/// the same browser does not see their conversations.
///
/// ```
/// use helpscout_beacon::LogoutCall;
///
/// assert_eq!(LogoutCall::new().to_string(), "window.Beacon('logout');");
/// assert_eq!(
///     LogoutCall::new().end_active_chat(true).to_string(),
///     r#"window.Beacon('logout', {"endActiveChat":true});"#
/// );
/// assert_eq!(
///     LogoutCall::new().script_tag(Some("n0nce"))?,
///     r#"<script nonce="n0nce">window.Beacon('logout');</script>"#
/// );
/// # Ok::<(), helpscout_beacon::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogoutCall {
    end_active_chat: bool,
}

impl LogoutCall {
    /// `window.Beacon('logout');`
    #[must_use]
    pub fn new() -> Self {
        LogoutCall::default()
    }

    /// Whether Beacon also ends a chat in progress (`endActiveChat`).
    #[must_use]
    pub fn end_active_chat(mut self, end: bool) -> Self {
        self.end_active_chat = end;
        self
    }

    /// The call's text.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        if self.end_active_chat {
            r#"window.Beacon('logout', {"endActiveChat":true});"#
        } else {
            "window.Beacon('logout');"
        }
    }

    /// The call wrapped in a `<script>` element, with a `nonce` attribute
    /// when one is given.
    ///
    /// # Errors
    /// [`Error::InvalidNonce`] unless the nonce is one or more of
    /// `A-Z a-z 0-9 + / - _` followed by at most two `=`.
    pub fn script_tag(&self, nonce: Option<&str>) -> Result<String, Error> {
        script_element(self.as_str(), nonce)
    }

    /// The CSP hash source of the call's text, `'sha256-…'` (see
    /// [`IdentifyCall::csp_hash`]).
    #[must_use]
    pub fn csp_hash(&self) -> String {
        crate::csp::script_hash(self.as_str())
    }
}

impl fmt::Display for LogoutCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Identity, Signer};

    /// The buffer is sized up front from the payload, so a call without
    /// escapes never grows it: its capacity is the first estimate, not a
    /// doubling.
    #[test]
    fn the_output_is_sized_once() {
        let signer = Signer::new("k").unwrap();
        let identities = [
            Identity::new("jane.doe@example.com").name("Jane Doe"),
            Identity::new("a@b.c"),
            Identity::new("jane@example.com")
                .name("Jane Doe")
                .company("Acme")
                .job_title("CTO")
                .avatar("https://example.com/jane.png")
                .attribute("plan", "pro")
                .attribute("seats", 12)
                .attribute("beta", true),
        ];
        for identity in identities {
            let call = signer.identify(&identity).unwrap();
            let payload = crate::validate::Payload::new(identity.view(), signer.policy()).unwrap();
            // Still the first allocation: a regrowth would have changed it.
            assert_eq!(
                call.text.capacity(),
                super::initial_capacity(&payload, None),
                "{call}"
            );
            assert!(call.text.len() <= call.text.capacity());
        }
    }
}
