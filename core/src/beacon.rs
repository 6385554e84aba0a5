//! The whole Beacon on a page: its ID, the signer of its Secure Mode key and
//! its optional `config`, registered once; and the set of them an app with
//! several Beacons registers under names.

use std::fmt;

use serde::Serialize;

use crate::call::Script;
use crate::error::Error;
use crate::json;
use crate::signer::Signer;

/// Help Scout's Beacon loader: the standard stub that defines
/// `window.Beacon` as a queue (`window.Beacon.readyQueue`) until Beacon's
/// own script, which it inserts from `https://beacon-v2.helpscout.net`
/// once the page has loaded, takes the queued calls over.
pub const LOADER: &str = r#"!function(e,t,n){function a(){var e=t.getElementsByTagName("script")[0],n=t.createElement("script");n.type="text/javascript",n.async=!0,n.src="https://beacon-v2.helpscout.net",e.parentNode.insertBefore(n,e)}if(e.Beacon=n=function(t,n,a){e.Beacon.readyQueue.push({method:t,options:n,data:a})},n.readyQueue=[],"complete"===t.readyState)return a();e.attachEvent?e.attachEvent("onload",a):e.addEventListener("load",a,!1)}(window,document,window.Beacon||function(){});"#;

/// One Beacon: its ID (from the Beacon's Installation settings in Help
/// Scout), the [`Signer`] of its Secure Mode key and an optional `config`.
/// Like the secret, the ID comes from registration, never from a
/// template's context.
///
/// ```
/// use helpscout_beacon::{Beacon, Identity, Signer};
///
/// let beacon = Beacon::new("0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d", Signer::new("secret")?)?
///     .config(&serde_json::json!({"display": {"style": "icon"}}))?;
/// let script = beacon.init_script(Some(&Identity::new("jane@example.com")))?;
/// let text = script.as_str();
/// assert!(text.starts_with("!function(e,t,n){"));
/// assert!(text.contains("window.Beacon('init', '0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d');"));
/// assert!(text.contains(r#"window.Beacon('config', {"display":{"style":"icon"}});"#));
/// let signature = beacon.signer().sign("jane@example.com");
/// assert!(text.ends_with(&format!(
///     r#"window.Beacon('identify', {{"email":"jane@example.com","signature":"{signature}"}});"#
/// )));
/// let tag = script.script_tag(Some("n0nce"))?; // <script nonce="n0nce">…</script>
/// # Ok::<(), helpscout_beacon::Error>(())
/// ```
#[derive(Clone)]
pub struct Beacon {
    id: Option<String>,
    signer: Signer,
    /// The `config` object as script-safe JSON, written once.
    config: Option<String>,
}

impl Beacon {
    /// A Beacon with this ID, signing identities with `signer`.
    ///
    /// # Errors
    /// [`Error::InvalidBeaconId`] unless the ID is 1 to 64 of
    /// `A-Z a-z 0-9 -` (Help Scout's IDs are UUIDs), so that it needs no
    /// escaping.
    pub fn new(id: impl Into<String>, signer: Signer) -> Result<Beacon, Error> {
        let id = id.into();
        let valid = (1..=64).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(Error::InvalidBeaconId);
        }
        Ok(Beacon {
            id: Some(id),
            signer,
            config: None,
        })
    }

    /// The same Beacon with a `config` (display style, color, labels, …),
    /// emitted as `window.Beacon('config', {…})` after `init`, written with
    /// the same script-safe JSON writer as identify.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when `config` does not serialize to a JSON
    /// object, or has a `__proto__` key (an object literal does not keep it).
    pub fn config(mut self, config: &impl Serialize) -> Result<Beacon, Error> {
        let value = serde_json::to_value(config).map_err(|_| Error::InvalidConfig {
            problem: "does not serialize to JSON",
        })?;
        if !value.is_object() {
            return Err(Error::InvalidConfig {
                problem: "must be a map of Beacon's config options",
            });
        }
        let mut text = String::new();
        json::write_value(&mut text, &value).map_err(|()| Error::InvalidConfig {
            problem: "has a \"__proto__\" key, which a JavaScript object literal does not keep",
        })?;
        self.config = Some(text);
        Ok(self)
    }

    /// The Beacon's ID; `None` for one made from a bare [`Signer`], which
    /// can identify but not `init`.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The signer of this Beacon's Secure Mode key.
    #[must_use]
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The whole Beacon as one script's text: the loader, `init` with the
    /// ID, `config` when one was set, and the signed identify call for
    /// `user` when one is given (a signed-out page gets none); wrap it in
    /// `<script nonce="…">` with [`Script::script_tag`].
    ///
    /// # Errors
    /// [`Error::NoBeaconId`] for a Beacon made from a bare [`Signer`], and
    /// every error of [`Signer::identify`].
    pub fn init_script(&self, user: Option<&crate::Identity>) -> Result<Script, Error> {
        let mut text = String::new();
        self.write_init(&mut text, false)?;
        if let Some(user) = user {
            text.push_str(self.signer.identify(user)?.as_str());
        }
        Ok(Script::new(text))
    }

    /// Appends the loader, a logout when asked (before `init`, so a
    /// previous user's session is gone before this page's starts), `init`
    /// and `config`.
    pub(crate) fn write_init(&self, text: &mut String, logout: bool) -> Result<(), Error> {
        let id = self.id.as_deref().ok_or(Error::NoBeaconId)?;
        text.push_str(LOADER);
        if logout {
            text.push_str("window.Beacon('logout');");
        }
        text.push_str("window.Beacon('init', '");
        text.push_str(id);
        text.push_str("');");
        if let Some(config) = &self.config {
            text.push_str("window.Beacon('config', ");
            text.push_str(config);
            text.push_str(");");
        }
        Ok(())
    }
}

/// A Beacon without an ID: identify-only use, as before Beacons had IDs.
impl From<Signer> for Beacon {
    fn from(signer: Signer) -> Beacon {
        Beacon {
            id: None,
            signer,
            config: None,
        }
    }
}

impl fmt::Debug for Beacon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Beacon")
            .field("id", &self.id)
            .field("signer", &self.signer)
            .field("config", &self.config)
            .finish()
    }
}

/// The Beacons an app registers with a template engine, under names; every
/// template function takes `beacon="name"` to choose one, and without it
/// uses the default one (the only one, or the one set with
/// [`with_default`](Self::with_default)).
///
/// ```
/// use helpscout_beacon::{Beacon, Beacons, Signer};
///
/// let beacons = Beacons::new()
///     .with("support", Beacon::new("support-beacon-id", Signer::new("support-key")?)?)
///     .with("sales", Beacon::new("sales-beacon-id", Signer::new("sales-key")?)?)
///     .with_default("support");
/// assert_eq!(beacons.get(None)?.id(), Some("support-beacon-id"));
/// assert_eq!(beacons.get(Some("sales"))?.id(), Some("sales-beacon-id"));
/// assert_eq!(
///     beacons.get(Some("marketing")).unwrap_err().to_string(),
///     r#"beacon: no Beacon named "marketing" is registered (registered: "support", "sales")"#
/// );
/// # Ok::<(), helpscout_beacon::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Beacons {
    beacons: Vec<(String, Beacon)>,
    default: Option<String>,
}

impl Beacons {
    /// No Beacons yet.
    #[must_use]
    pub fn new() -> Beacons {
        <Beacons as Default>::default()
    }

    /// These Beacons with `beacon` under `name` (replacing one of the same
    /// name).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, beacon: impl Into<Beacon>) -> Beacons {
        let name = name.into();
        let beacon = beacon.into();
        match self.beacons.iter_mut().find(|(n, _)| *n == name) {
            Some((_, slot)) => *slot = beacon,
            None => self.beacons.push((name, beacon)),
        }
        self
    }

    /// These Beacons with `name` as the one used without `beacon=`.
    #[must_use]
    pub fn with_default(mut self, name: impl Into<String>) -> Beacons {
        self.default = Some(name.into());
        self
    }

    /// The Beacon named `name`, or without a name the default one.
    ///
    /// # Errors
    /// [`Error::UnknownBeacon`] listing the registered names, when no
    /// Beacon has that name, or no name is given and several Beacons but no
    /// default are registered.
    pub fn get(&self, name: Option<&str>) -> Result<&Beacon, Error> {
        let name = match (name, &self.default, self.beacons.as_slice()) {
            (Some(name), _, _) => name,
            (None, Some(default), _) => default,
            (None, None, [(_, only)]) => return Ok(only),
            (None, None, _) => "",
        };
        self.beacons
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, beacon)| beacon)
            .ok_or_else(|| Error::UnknownBeacon {
                name: name.to_owned(),
                registered: self.beacons.iter().map(|(n, _)| n.clone()).collect(),
            })
    }
}

/// One Beacon, the default, under the name `default`.
impl From<Beacon> for Beacons {
    fn from(beacon: Beacon) -> Beacons {
        Beacons::new().with("default", beacon)
    }
}

/// One identify-only Beacon (no ID, so no `beacon_init`).
impl From<Signer> for Beacons {
    fn from(signer: Signer) -> Beacons {
        Beacons::from(Beacon::from(signer))
    }
}
