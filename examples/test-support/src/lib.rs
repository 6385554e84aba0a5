//! Test support for the framework examples (`examples/*/tests/serve.rs`):
//! start an example binary on a free port, send it requests with `ureq`, and
//! check the page's one Beacon element (the core's loader, an optional
//! logout, `init` with the configured or demo Beacon ID, and the identify
//! call signed as the test model's independent HMAC-SHA256 signs it) and
//! its Content-Security-Policy header. Not published.

// A test harness, not an API: its helpers panic to fail the calling test,
// and their results are always used; the workspace's API lints for `# Panics`
// and `# Errors` sections and `#[must_use]` would only add noise here.
#![allow(
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    clippy::missing_errors_doc
)]

use std::io::{self, BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use helpscout_beacon::LOADER;
use helpscout_beacon::csp::{self, Nonce};
use helpscout_beacon_test_model::Json;
use helpscout_beacon_test_model::model::expected_object;
pub use helpscout_beacon_test_model::rules::signature as hmac_hex;

const SECRET_VAR: &str = "HELPSCOUT_BEACON_SECRET";
const BEACON_ID_VAR: &str = "HELPSCOUT_BEACON_ID";
/// The secret the tests set in `HELPSCOUT_BEACON_SECRET`.
pub const SECRET: &str = "secret_key_from_beacon_config";
/// The demo key the examples fall back to when no secret is set.
pub const DEMO_SECRET: &str = "demo-secret-not-for-production";
/// The Beacon ID the tests set in `HELPSCOUT_BEACON_ID`.
pub const BEACON_ID: &str = "0b2d4f6a-1c3e-4a5b-8c7d-9e0f1a2b3c4d";
/// The demo ID the examples fall back to when no ID is set.
pub const DEMO_BEACON_ID: &str = "demo-beacon-id-not-for-production";
/// The signed-in sample user's email, the message the signature signs.
pub const EMAIL: &str = "jane.doe@example.com";
/// How long to wait for the example to start, answer or exit.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What an example runs with: `HELPSCOUT_BEACON_SECRET` and
/// `HELPSCOUT_BEACON_ID`, each unset for `None`.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// `HELPSCOUT_BEACON_SECRET`.
    pub secret: Option<&'a str>,
    /// `HELPSCOUT_BEACON_ID`.
    pub beacon_id: Option<&'a str>,
}

impl Env<'_> {
    /// Both set: [`SECRET`] and [`BEACON_ID`].
    pub const CONFIGURED: Env<'static> = Env {
        secret: Some(SECRET),
        beacon_id: Some(BEACON_ID),
    };
    /// Neither set: the examples fall back to [`DEMO_SECRET`] and
    /// [`DEMO_BEACON_ID`].
    pub const UNSET: Env<'static> = Env {
        secret: None,
        beacon_id: None,
    };

    /// The key the pages must be signed with.
    pub fn signing_key(&self) -> &str {
        self.secret.unwrap_or(DEMO_SECRET)
    }

    /// The ID the pages' `init` must carry.
    pub fn expected_id(&self) -> &str {
        self.beacon_id.unwrap_or(DEMO_BEACON_ID)
    }
}

/// The example binary `bin` on port 0 (a free one), with `env`, stdout and
/// stderr piped.
fn command(bin: &str, env: Env<'_>) -> Command {
    let mut command = Command::new(bin);
    command
        .arg("0")
        .env_remove("PORT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (var, value) in [(SECRET_VAR, env.secret), (BEACON_ID_VAR, env.beacon_id)] {
        match value {
            Some(value) => command.env(var, value),
            None => command.env_remove(var),
        };
    }
    command
}

/// The running example. Dropping it kills the process, also when a check
/// panics.
pub struct Server {
    child: Child,
    /// `127.0.0.1:N`, from the first line it prints: `listening on http://…`.
    pub addr: String,
}

impl Server {
    /// Starts the example binary `bin` on a free port, with `env`, and waits
    /// for the address it listens on.
    pub fn start(bin: &str, env: Env<'_>) -> Server {
        let mut child = command(bin, env).spawn().expect("the example starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut server = Server {
            child,
            addr: String::new(),
        };
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = sender.send(line);
            // Keep the pipe open: a later print must not hit a closed pipe.
            let _ = io::copy(&mut stdout, &mut io::sink());
        });
        let line = receiver
            .recv_timeout(TIMEOUT)
            .expect("the example prints its address");
        match line.trim_end().strip_prefix("listening on http://") {
            Some(addr) => server.addr = addr.to_owned(),
            None => panic!("first line {line:?}; stderr: {}", server.stop()),
        }
        server
    }

    /// Kills the process and returns what it wrote on stderr.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).expect("UTF-8 stderr");
        }
        stderr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response as [`request`] read it.
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The headers in order, names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body, all of it.
    pub body: String,
}

impl Reply {
    /// The value of header `name` (lowercase); panics if it is sent twice.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.iter().filter(|(n, _)| n == name);
        let value = values.next().map(|(_, v)| v.as_str());
        assert!(values.next().is_none(), "one {name} header");
        value
    }

    /// The `Set-Cookie` header for cookie `name`; panics if it is sent
    /// twice.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        let mut values = self
            .headers
            .iter()
            .filter(|(n, v)| n == "set-cookie" && v.starts_with(&prefix));
        let value = values.next().map(|(_, v)| v.as_str());
        assert!(values.next().is_none(), "one Set-Cookie for {name}");
        value
    }
}

/// The `name=value` part of a `Set-Cookie` value, what a browser sends back
/// in `Cookie`.
pub fn cookie_pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap_or_default().trim()
}

/// `method` (`GET` or `POST`, with an empty body) `http://{addr}{path}`,
/// with `cookie` as the `Cookie` header when given, read to the end,
/// whatever the status, without following redirects. Checks that the body
/// is not chunked and its length is the `Content-Length`.
pub fn request(method: &str, addr: &str, path: &str, cookie: Option<&str>) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let url = format!("http://{addr}{path}");
    let result = match method {
        "GET" => {
            let mut builder = agent.get(&url);
            if let Some(cookie) = cookie {
                builder = builder.header("Cookie", cookie);
            }
            builder.call()
        }
        "POST" => {
            let mut builder = agent.post(&url);
            if let Some(cookie) = cookie {
                builder = builder.header("Cookie", cookie);
            }
            builder.send_empty()
        }
        _ => panic!("GET or POST, not {method}"),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().expect("an ASCII header value");
            (name.as_str().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let body = response
        .body_mut()
        .read_to_string()
        .expect("a UTF-8 response");
    let reply = Reply {
        status: response.status().as_u16(),
        headers,
        body,
    };
    assert_eq!(reply.header("transfer-encoding"), None, "not chunked");
    assert_eq!(
        reply.header("content-length"),
        Some(&*reply.body.len().to_string())
    );
    reply
}

/// `GET http://{addr}{path}` without cookies: [`request`].
pub fn get(addr: &str, path: &str) -> Reply {
    request("GET", addr, path, None)
}

/// A page's one Beacon element, taken apart by [`check_frame`].
#[derive(Debug)]
pub struct BeaconTag<'a> {
    /// The response's nonce, from its CSP header and on the element.
    pub nonce: String,
    /// The whole `<script nonce="…">…</script>` element.
    pub element: &'a str,
    /// Whether `window.Beacon('logout');` comes between the loader and
    /// `init`.
    pub logout: bool,
    /// The identify call's JSON argument, when the page identifies a user.
    pub identify: Option<&'a str>,
}

impl BeaconTag<'_> {
    /// The element with its nonce replaced by `NONCE`, to compare pages.
    pub fn without_nonce(&self) -> String {
        self.element.replace(&self.nonce, "NONCE")
    }
}

/// Checks what every page has: status, headers, a fresh-looking nonce, the
/// CSP header exactly as `csp::header_value` makes it for that nonce, and
/// exactly one script on the page: a `<script nonce="…">` element with the
/// core's [`LOADER`], then an optional `window.Beacon('logout');`, then
/// `init` with `beacon_id`, then an optional identify call and nothing else.
/// Neither the password hash nor either secret is anywhere.
pub fn check_frame<'a>(reply: &'a Reply, beacon_id: &str) -> BeaconTag<'a> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));

    let csp = reply.header("content-security-policy").expect("a CSP");
    let start = csp.find("'nonce-").expect("a nonce in the CSP") + "'nonce-".len();
    let nonce = &csp[start..start + csp[start..].find('\'').unwrap()];
    assert!(nonce.len() >= 22, "16 bytes or more: {nonce}");
    assert!(
        nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)),
        "unpadded base64url: {nonce}"
    );
    let parsed = Nonce::new(nonce).expect("a nonce by the CSP grammar");
    assert_eq!(csp, csp::header_value(&parsed), "the core's strict policy");

    let body = &reply.body;
    assert_eq!(body.matches("<script").count(), 1, "one script: {body}");
    assert_eq!(body.matches(LOADER).count(), 1, "the core's loader: {body}");
    let open = format!(r#"<script nonce="{nonce}">"#);
    let at = body.find(&open).expect("the element carries the nonce");
    let element = &body[at..];
    let element = &element[..element.find("</script>").expect("closed") + "</script>".len()];

    let rest = element
        .strip_prefix(&open)
        .and_then(|rest| rest.strip_prefix(LOADER))
        .unwrap_or_else(|| panic!("the loader first: {element}"));
    let (logout, rest) = match rest.strip_prefix("window.Beacon('logout');") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let init = format!("window.Beacon('init', '{beacon_id}');");
    let rest = rest
        .strip_prefix(&init)
        .unwrap_or_else(|| panic!("{init} after the loader (and logout): {element}"));
    let identify = if rest == "</script>" {
        None
    } else {
        let json = rest
            .strip_prefix("window.Beacon('identify', ")
            .and_then(|rest| rest.strip_suffix(");</script>"))
            .unwrap_or_else(|| panic!("identify or nothing after init: {element}"));
        Some(json)
    };

    assert!(!body.contains("argon2id"), "the password hash leaked");
    assert!(!body.contains(SECRET), "the secret leaked");
    assert!(!body.contains(DEMO_SECRET), "the demo secret leaked");
    BeaconTag {
        nonce: nonce.to_owned(),
        element,
        logout,
        identify,
    }
}

/// Checks an identify object (the call's argument, or the JSON a
/// single-page app fetches): the sample user's Beacon fields as the test
/// model reads the user, in Beacon's order, then the signature the model's
/// HMAC gives for `secret` and [`EMAIL`], last.
pub fn check_identify_object(json: &str, secret: &str) {
    let user = serde_json::json!({
        "id": 42,
        "email": EMAIL,
        "name": "Jane O'Doe",
        "company": "Acme & Co",
        "job_title": "CTO",
        "password_hash": "never read",
    });
    let expected = expected_object(&user, secret);
    let Some(Json::Object(entries)) = Json::parse(json.as_bytes()) else {
        panic!("a JSON object: {json}");
    };
    let entries: Vec<(String, serde_json::Value)> = entries
        .into_iter()
        .map(|(key, value)| (key, value.to_value()))
        .collect();
    assert_eq!(entries, expected, "{json}");
    let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(keys, ["name", "email", "company", "jobTitle", "signature"]);
    assert_eq!(entries[4].1, hmac_hex(secret, EMAIL).as_str());
}

/// Checks a signed-in page of an example run with `env`: [`check_frame`],
/// no logout, and the sample user's identify call signed with the key of
/// `env`, its strings `\u`-escaped for the script context.
pub fn check_signed_in<'a>(reply: &'a Reply, env: Env<'_>) -> BeaconTag<'a> {
    let tag = check_frame(reply, env.expected_id());
    assert!(
        !tag.logout,
        "no logout on a signed-in page: {}",
        tag.element
    );
    let json = tag.identify.expect("a signed-in page identifies the user");
    assert!(json.contains(r#""name":"Jane\u0020O\u0027Doe""#), "{json}");
    assert!(
        json.contains(r#""company":"Acme\u0020\u0026\u0020Co""#),
        "{json}"
    );
    check_identify_object(json, env.signing_key());
    // Autoescaped in the HTML, \u-escaped in the script: never raw.
    let body = &reply.body;
    assert!(!body.contains("O'Doe") && !body.contains("Acme & Co"));
    tag
}

/// Checks a signed-out page of an example run with `env`: [`check_frame`],
/// a logout before `init` exactly when `logout` is true, and no identify
/// call, signature or email.
pub fn check_signed_out<'a>(reply: &'a Reply, env: Env<'_>, logout: bool) -> BeaconTag<'a> {
    let tag = check_frame(reply, env.expected_id());
    assert_eq!(tag.logout, logout, "{}", tag.element);
    assert_eq!(tag.identify, None, "{}", tag.element);
    let body = &reply.body;
    assert!(!body.contains("identify") && !body.contains("signature"));
    assert!(!body.contains(EMAIL), "{body}");
    tag
}

/// The single-page example `bin` with a secret and an ID set: two
/// requests, each a signed-in page under its own nonce, and nothing on
/// stderr.
pub fn check_single_page_configured(bin: &str) {
    let env = Env::CONFIGURED;
    let mut server = Server::start(bin, env);
    let first = check_signed_in(&get(&server.addr, "/"), env).nonce;
    let second = check_signed_in(&get(&server.addr, "/"), env).nonce;
    assert_ne!(first, second, "a fresh nonce per request");
    assert_eq!(server.stop(), "", "quiet with a secret and an ID set");
}

/// The single-page example `bin` with neither set: a page signed with
/// [`DEMO_SECRET`] that inits [`DEMO_BEACON_ID`], and both notices on
/// stderr.
pub fn check_single_page_unset(bin: &str) {
    let mut server = Server::start(bin, Env::UNSET);
    check_signed_in(&get(&server.addr, "/"), Env::UNSET);
    check_demo_notices(&server.stop());
}

/// Checks that `stderr` says the secret is not set and the demo key is
/// used, and that the Beacon ID is not set and the demo ID is used.
pub fn check_demo_notices(stderr: &str) {
    assert!(
        stderr.contains("HELPSCOUT_BEACON_SECRET is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo key"), "{stderr}");
    assert!(
        stderr.contains("HELPSCOUT_BEACON_ID is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo Beacon ID"), "{stderr}");
}

/// Runs `bin` with `env`, which it must refuse: it exits with an error,
/// prints nothing on stdout and exactly `error: {message}` on stderr.
fn check_refused(bin: &str, env: Env<'_>, message: &str) {
    let mut child = command(bin, env).spawn().expect("the example starts");
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running with {env:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    assert!(!status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!("error: {message}\n")
    );
}

/// Checks that the example `bin` with an empty secret exits with an error,
/// prints nothing on stdout and exactly the error line on stderr.
pub fn check_empty_secret_is_an_error(bin: &str) {
    let env = Env {
        secret: Some(""),
        beacon_id: Some(BEACON_ID),
    };
    check_refused(bin, env, "HELPSCOUT_BEACON_SECRET: set but empty");
}

/// Checks that the example `bin` with a Beacon ID that is not one exits
/// with an error naming the variable and the rule, never falling back to
/// the demo ID.
pub fn check_bad_beacon_id_is_an_error(bin: &str) {
    let env = Env {
        secret: Some(SECRET),
        beacon_id: Some("not a Beacon ID"),
    };
    let message = format!(
        "HELPSCOUT_BEACON_ID: {}",
        helpscout_beacon::Error::InvalidBeaconId
    );
    check_refused(bin, env, &message);
}

/// The tests of a single-page example, one `#[test]` each: the signed-in
/// page with a secret and an ID set ([`check_single_page_configured`]),
/// with the demo key and ID and their notices without
/// ([`check_single_page_unset`]), and an error for an empty secret
/// ([`check_empty_secret_is_an_error`]) or a bad ID
/// ([`check_bad_beacon_id_is_an_error`]).
///
/// In `tests/serve.rs` of the example package `actix-tera`:
///
/// ```text
/// example_test_support::single_page_tests!("actix-tera");
/// ```
#[macro_export]
macro_rules! single_page_tests {
    ($bin:literal) => {
        const BIN: &str = env!(concat!("CARGO_BIN_EXE_", $bin));

        #[test]
        fn serves_the_whole_beacon_signed_under_a_fresh_nonce() {
            $crate::check_single_page_configured(BIN);
        }

        #[test]
        fn without_configuration_it_uses_the_demo_key_and_id_and_says_so() {
            $crate::check_single_page_unset(BIN);
        }

        #[test]
        fn an_unusable_secret_is_an_error_not_a_fallback() {
            $crate::check_empty_secret_is_an_error(BIN);
        }

        #[test]
        fn a_bad_beacon_id_is_an_error_not_a_fallback() {
            $crate::check_bad_beacon_id_is_an_error(BIN);
        }
    };
}
