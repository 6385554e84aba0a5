//! Signing: the one place that touches the secret key.

use std::fmt;

use hmac::block_api::HmacCore;
use hmac::digest::Output;
use hmac::digest::block_api::{Buffer, CoreProxy, FixedOutputCore, UpdateCore};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::Error;
use crate::validate::LimitPolicy;

/// The environment variable [`Signer::from_env`] reads.
pub const SECRET_ENV_VAR: &str = "HELPSCOUT_BEACON_SECRET";

/// Signs emails with a Beacon's Secure Mode secret key.
///
/// The key is turned into HMAC-SHA256 state once, at construction; the raw
/// key is not kept, and neither `Debug` nor any error shows key material.
/// A `Signer` is cheap to clone and can be shared across threads.
///
/// ```
/// use helpscout_beacon::{Identity, Signer};
///
/// let signer = Signer::new("secret-from-beacon-settings")?;
/// let signature = signer.sign("jane@example.com");
/// assert_eq!(signature.as_str().len(), 64);
/// assert!(signer.verify("jane@example.com", signature.as_str()));
///
/// let call = signer.identify(&Identity::new("jane@example.com").name("Jane Doe"))?;
/// assert_eq!(
///     call.to_string(),
///     format!(r#"window.Beacon('identify', {{"name":"Jane\u0020Doe","email":"jane@example.com","signature":"{signature}"}});"#),
/// );
/// # Ok::<(), helpscout_beacon::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    // The block-level HMAC state: the hashes of the key XOR ipad and opad.
    // Cloning it per call copies 80 bytes instead of re-hashing the key, and
    // unlike `Hmac` it carries no block buffer to copy as well.
    mac: HmacCore<Sha256>,
    policy: LimitPolicy,
}

impl Signer {
    /// A signer for this secret key (the one in the Beacon's Secure Mode
    /// settings). The key is used exactly as given.
    ///
    /// # Errors
    /// [`Error::EmptySecret`] when the key is empty, and
    /// [`Error::PaddedSecret`] when it starts or ends with whitespace (a key
    /// copied with a newline is the most common cause of "Beacon rejects
    /// every signature"); a key that really has such whitespace goes through
    /// [`new_exact`](Self::new_exact).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        let secret = secret.as_ref();
        if is_padded(secret) {
            return Err(Error::PaddedSecret);
        }
        Signer::new_exact(secret)
    }

    /// A signer for this key, whitespace and all: for keys that really
    /// start or end with whitespace (Help Scout's generated keys never do),
    /// and for published HMAC test vectors. Prefer [`new`](Self::new).
    ///
    /// # Errors
    /// [`Error::EmptySecret`] when the key is empty.
    pub fn new_exact(secret: impl AsRef<[u8]>) -> Result<Self, Error> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        // HMAC takes keys of any length, so this cannot fail; map it anyway
        // rather than unwrap on a path that sees user configuration.
        let mac = HmacCore::<Sha256>::new_from_slice(secret).map_err(|_| Error::EmptySecret)?;
        Ok(Signer {
            mac,
            policy: LimitPolicy::default(),
        })
    }

    /// A signer for the key in the `HELPSCOUT_BEACON_SECRET` environment
    /// variable.
    ///
    /// # Errors
    /// [`Error::SecretEnv`] naming the variable when it is unset, empty or
    /// not valid Unicode; [`Error::PaddedSecret`], as [`new`](Self::new),
    /// when it has leading or trailing whitespace (a pasted newline would
    /// otherwise give signatures that Beacon silently rejects).
    pub fn from_env() -> Result<Self, Error> {
        Signer::from_env_value(std::env::var_os(SECRET_ENV_VAR))
    }

    fn from_env_value(value: Option<std::ffi::OsString>) -> Result<Self, Error> {
        let problem = |problem| Error::SecretEnv {
            variable: SECRET_ENV_VAR,
            problem,
        };
        let secret = value.ok_or_else(|| {
            problem("not set; set it to the secret key from the Beacon's Secure Mode settings")
        })?;
        let secret = secret
            .into_string()
            .map_err(|_| problem("not valid Unicode"))?;
        if secret.is_empty() {
            return Err(problem("set but empty"));
        }
        Signer::new(secret)
    }

    /// The same signer with another [`LimitPolicy`] for over-long fields.
    #[must_use]
    pub fn with_policy(mut self, policy: LimitPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The policy for over-long fields.
    #[must_use]
    pub fn policy(&self) -> LimitPolicy {
        self.policy
    }

    /// The Secure Mode signature of `email`: lower-case hex HMAC-SHA256,
    /// computed over exactly these bytes. Does not allocate.
    #[inline]
    #[must_use]
    pub fn sign(&self, email: &str) -> Signature {
        self.sign_bytes(email.as_bytes())
    }

    /// The lower-case hex HMAC-SHA256 of any bytes, for checks against
    /// published HMAC test vectors whose messages are not text. Emails go
    /// through [`sign`](Self::sign).
    #[inline]
    #[must_use]
    pub fn sign_bytes(&self, message: &[u8]) -> Signature {
        let mut hex = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        let _ = hex::encode_to_slice(self.mac_of(message), &mut hex);
        Signature { hex }
    }

    #[inline]
    fn mac_of(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        let mut buffer = Buffer::<HmacCore<Sha256>>::default();
        buffer.digest_blocks(message, |blocks| mac.update_blocks(blocks));
        let mut out = Output::<HmacCore<Sha256>>::default();
        mac.finalize_fixed_core(&mut buffer, &mut out);
        out.into()
    }

    /// Whether `signature` is the signature of `email`, compared in constant
    /// time. Only the exact lower-case hex form matches; anything else
    /// (upper case, wrong length, not hex) is `false`.
    #[must_use]
    pub fn verify(&self, email: &str, signature: &str) -> bool {
        // Which of these checks fails depends only on the public input,
        // never on the expected MAC, so returning early leaks nothing.
        let lower_hex = |b: &u8| matches!(b, b'0'..=b'9' | b'a'..=b'f');
        let mut given = [0u8; 32];
        if !signature.bytes().all(|b| lower_hex(&b))
            || hex::decode_to_slice(signature, &mut given).is_err()
        {
            return false;
        }
        let mut mac =
            Hmac::<Sha256>::compose(self.mac.clone(), Buffer::<HmacCore<Sha256>>::default());
        mac.update(email.as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

/// Whether a key starts or ends with whitespace: Unicode's for a key that
/// is text, ASCII's (and the vertical tab) for one that is not.
fn is_padded(secret: &[u8]) -> bool {
    match std::str::from_utf8(secret) {
        Ok(text) => text.trim() != text,
        Err(_) => {
            let space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
            secret.first().is_some_and(space) || secret.last().is_some_and(space)
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("key", &"<redacted>")
            .field("policy", &self.policy)
            .finish()
    }
}

/// A Secure Mode signature: 64 lower-case hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    hex: [u8; 64],
}

impl Signature {
    /// The 64 lower-case hex characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Hex digits are ASCII, so the fallback is never taken.
        std::str::from_utf8(&self.hex).unwrap_or_default()
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

impl PartialEq<str> for Signature {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Signature {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env_error(value: Option<&str>) -> String {
        match Signer::from_env_value(value.map(OsString::from)) {
            Ok(_) => panic!("{value:?} was accepted"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn from_env_names_the_variable_and_the_problem() {
        assert_eq!(
            env_error(None),
            "HELPSCOUT_BEACON_SECRET: not set; set it to the secret key from the Beacon's Secure Mode settings"
        );
        assert_eq!(
            env_error(Some("")),
            "HELPSCOUT_BEACON_SECRET: set but empty"
        );
        for padded in [
            "secret\n",
            " secret",
            "secret\t",
            "\r\nsecret",
            "\u{2028}s",
            "s\u{a0}",
        ] {
            assert_eq!(env_error(Some(padded)), Error::PaddedSecret.to_string());
            // The same refusal, with the same message, as `Signer::new`.
            assert_eq!(Signer::new(padded).unwrap_err(), Error::PaddedSecret);
            assert!(Signer::new_exact(padded).is_ok());
        }
        assert_eq!(Signer::new(b"s\xff\n").unwrap_err(), Error::PaddedSecret);
        assert_eq!(Signer::new(b"\x0bs\xff").unwrap_err(), Error::PaddedSecret);
        assert!(Signer::new(b"s\xffs").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn from_env_rejects_non_unicode() {
        use std::os::unix::ffi::OsStringExt;
        let value = OsString::from_vec(vec![b's', 0xff]);
        let error = Signer::from_env_value(Some(value)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "HELPSCOUT_BEACON_SECRET: not valid Unicode"
        );
    }

    #[test]
    fn from_env_signs_like_new() {
        let from_env = Signer::from_env_value(Some("k3y".into())).unwrap();
        let direct = Signer::new("k3y").unwrap();
        assert_eq!(from_env.sign("a@b.c"), direct.sign("a@b.c"));
    }
}
