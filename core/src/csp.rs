//! Content Security Policy: the nonce that lets the page's own Beacon
//! scripts run, the policy Help Scout's "CSP Settings for Beacon" article
//! asks for, and the hash of a script for pages that cannot carry a nonce.
//!
//! ```
//! use helpscout_beacon::csp::{Nonce, Policy};
//!
//! let nonce = Nonce::new("cSp+N0nce/x-_y==")?;
//! // The recommended policy: only scripts with this response's nonce run,
//! // and what they load ('strict-dynamic'), so Beacon's own scripts too.
//! assert_eq!(
//!     Policy::strict(&nonce).to_string(),
//!     "script-src 'nonce-cSp+N0nce/x-_y==' 'strict-dynamic' 'unsafe-eval' https: 'unsafe-inline'; \
//!      object-src 'none'; base-uri 'none'"
//! );
//! // Merged into an app's own policy.
//! let mut policy = Policy::new().source("default-src", "'self'").source("img-src", "'self'");
//! policy.merge(&Policy::hosts());
//! assert!(policy.to_string().starts_with("default-src 'self'; img-src 'self' https://beacon-v2.helpscout.net"));
//! # Ok::<(), helpscout_beacon::Error>(())
//! ```

use std::fmt;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// A CSP nonce, checked against the CSP grammar: one or more of
/// `A-Z a-z 0-9 + / - _`, then at most two `=`. Browsers ignore a malformed
/// nonce (and block the script), and made only of these characters it needs
/// no escaping in an attribute.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nonce(String);

impl Nonce {
    /// A nonce as the request carries it.
    ///
    /// # Errors
    /// [`Error::InvalidNonce`] unless it follows the CSP grammar.
    pub fn new(nonce: impl Into<String>) -> Result<Nonce, Error> {
        let nonce = nonce.into();
        check(&nonce)?;
        Ok(Nonce(nonce))
    }

    /// A fresh nonce: 16 bytes from the operating system's random source,
    /// as unpadded base64url (22 characters). Unpadded base64url has no
    /// `+`, `/` or `=`, which HTML autoescaping would turn into entities
    /// where a template writes the nonce into an attribute itself.
    ///
    /// # Errors
    /// [`Error::Random`] when the operating system has no random bytes to
    /// give.
    #[cfg(feature = "nonce")]
    pub fn generate() -> Result<Nonce, Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|_| Error::Random)?;
        Ok(Nonce(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ))
    }

    /// The nonce, as it goes into `nonce="…"` and `'nonce-…'`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nonce({})", self.0)
    }
}

impl AsRef<str> for Nonce {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Checks a nonce against the CSP grammar.
pub(crate) fn check(nonce: &str) -> Result<(), Error> {
    let body = nonce
        .strip_suffix("==")
        .or_else(|| nonce.strip_suffix('='))
        .unwrap_or(nonce);
    let valid = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'));
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidNonce)
    }
}

/// Where Beacon's own script comes from; the loader inserts it.
pub const BEACON_SCRIPT_HOST: &str = "https://beacon-v2.helpscout.net";

/// The hosts Beacon loads from, per directive, for a host-list policy (CSP
/// levels 1 and 2), after Help Scout's "CSP Settings for Beacon" article.
const HOSTS: [(&str, &[&str]); 7] = [
    ("script-src", &[BEACON_SCRIPT_HOST]),
    (
        "connect-src",
        &[
            "https://beaconapi.helpscout.net",
            "https://chatapi.helpscout.net",
            "https://d3hb14vkzrxvla.cloudfront.net",
            "wss://*.pusher.com",
            "https://*.pusher.com",
        ],
    ),
    ("style-src", &[BEACON_SCRIPT_HOST, "'unsafe-inline'"]),
    ("font-src", &[BEACON_SCRIPT_HOST]),
    (
        "img-src",
        &[
            BEACON_SCRIPT_HOST,
            "https://d33v4339jhl8k0.cloudfront.net",
            "https://chatapi-prod.s3.amazonaws.com",
            "data:",
        ],
    ),
    ("frame-src", &[BEACON_SCRIPT_HOST]),
    ("media-src", &[BEACON_SCRIPT_HOST]),
];

/// A Content Security Policy as directives and their sources, in order:
/// a value an app can build, merge into its own and render as a header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    directives: Vec<(String, Vec<String>)>,
}

impl Policy {
    /// An empty policy.
    #[must_use]
    pub fn new() -> Policy {
        Policy::default()
    }

    /// The strict policy Help Scout recommends for Beacon (CSP level 3,
    /// with fallbacks older browsers ignore): scripts run only with this
    /// nonce, and what they load runs too (`'strict-dynamic'`), so the
    /// loader may insert Beacon's script; `'unsafe-eval'` because Beacon
    /// evaluates code; `https:` and `'unsafe-inline'` only for browsers
    /// without `'strict-dynamic'`, which newer ones ignore. No plugins, no
    /// `<base>`.
    #[must_use]
    pub fn strict(nonce: &Nonce) -> Policy {
        Policy::new()
            .source("script-src", format!("'nonce-{nonce}'"))
            .source("script-src", "'strict-dynamic'")
            .source("script-src", "'unsafe-eval'")
            .source("script-src", "https:")
            .source("script-src", "'unsafe-inline'")
            .source("object-src", "'none'")
            .source("base-uri", "'none'")
    }

    /// The hosts Beacon needs, per directive (`script-src`, `connect-src`,
    /// `style-src`, `font-src`, `img-src`, `frame-src`, `media-src`), for a
    /// host-list policy (CSP levels 1 and 2). Merge it into a policy whose
    /// `default-src` would otherwise block Beacon; inline scripts still need
    /// a nonce ([`Policy::nonce`]) or a hash.
    #[must_use]
    pub fn hosts() -> Policy {
        let mut policy = Policy::new();
        for (directive, sources) in HOSTS {
            for source in sources {
                policy = policy.source(directive, *source);
            }
        }
        policy
    }

    /// This policy with `'nonce-…'` added to `script-src`.
    #[must_use]
    pub fn nonce(self, nonce: &Nonce) -> Policy {
        self.source("script-src", format!("'nonce-{nonce}'"))
    }

    /// This policy with `source` added to `directive` (once; a directive
    /// not yet there is added at the end).
    #[must_use]
    pub fn source(mut self, directive: impl Into<String>, source: impl Into<String>) -> Policy {
        self.add(directive, source);
        self
    }

    /// Adds `source` to `directive`, as [`source`](Self::source).
    pub fn add(&mut self, directive: impl Into<String>, source: impl Into<String>) {
        let directive = directive.into().to_ascii_lowercase();
        let source = source.into();
        match self.directives.iter_mut().find(|(d, _)| *d == directive) {
            Some((_, sources)) => {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
            None => self.directives.push((directive, vec![source])),
        }
    }

    /// Adds every source of `other` to this policy.
    pub fn merge(&mut self, other: &Policy) {
        for (directive, sources) in &other.directives {
            for source in sources {
                self.add(directive.clone(), source.clone());
            }
        }
    }

    /// The sources of `directive`, if it is there.
    #[must_use]
    pub fn sources(&self, directive: &str) -> Option<&[String]> {
        self.directives
            .iter()
            .find(|(d, _)| d.eq_ignore_ascii_case(directive))
            .map(|(_, sources)| sources.as_slice())
    }

    /// The header value: `directive source …; directive source …`.
    #[must_use]
    pub fn header_value(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (directive, sources)) in self.directives.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(directive)?;
            for source in sources {
                write!(f, " {source}")?;
            }
        }
        Ok(())
    }
}

/// The complete `Content-Security-Policy` header value Help Scout
/// recommends for a page with Beacon, for this response's nonce:
/// [`Policy::strict`], rendered.
#[must_use]
pub fn header_value(nonce: &Nonce) -> String {
    Policy::strict(nonce).to_string()
}

/// The CSP hash source of a script element's text, `'sha256-…'`: for a
/// page that cannot carry a nonce, add it to `script-src`. It covers
/// exactly these bytes, so the element must hold exactly this text.
#[must_use]
pub fn script_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}
