//! Test support for the framework examples (`examples/*/tests/serve.rs`):
//! start an example binary on a free port, fetch its pages with `ureq`, and
//! check the CSP nonce, the Beacon loader and the signed identify call
//! against the test model's independent HMAC-SHA256. Not published.

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

pub use helpscout_beacon_test_model::rules::signature as hmac_hex;

const SECRET_VAR: &str = "HELPSCOUT_BEACON_SECRET";
/// The secret the tests set in `HELPSCOUT_BEACON_SECRET`.
pub const SECRET: &str = "secret_key_from_beacon_config";
/// The demo key the examples fall back to when no secret is set.
pub const DEMO_SECRET: &str = "demo-secret-not-for-production";
/// The signed-in sample user's email, the message the signature signs.
pub const EMAIL: &str = "jane.doe@example.com";
/// How long to wait for the example to start, answer or exit.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The example binary `bin` on port 0 (a free one), with `secret` in
/// `HELPSCOUT_BEACON_SECRET` (unset for `None`), stdout and stderr piped.
fn command(bin: &str, secret: Option<&str>) -> Command {
    let mut command = Command::new(bin);
    command
        .arg("0")
        .env_remove("PORT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match secret {
        Some(secret) => command.env(SECRET_VAR, secret),
        None => command.env_remove(SECRET_VAR),
    };
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
    /// Starts the example binary `bin` on a free port, with `secret` in
    /// `HELPSCOUT_BEACON_SECRET` (unset for `None`), and waits for the
    /// address it listens on.
    pub fn start(bin: &str, secret: Option<&str>) -> Server {
        let mut child = command(bin, secret).spawn().expect("the example starts");
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

/// An HTTP response as [`get`] read it.
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
}

/// `GET http://{addr}{path}`, read to the end, whatever the status. Checks
/// that the body is not chunked and its length is the `Content-Length`.
pub fn get(addr: &str, path: &str) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let mut response = agent
        .get(&format!("http://{addr}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
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

/// Checks what every page has: status, headers, a fresh-looking nonce in the
/// CSP, exactly two scripts, both with that nonce, the first being Beacon's
/// loader, and neither the password hash nor either secret anywhere. Returns
/// the nonce and the second script element.
pub fn check_frame(reply: &Reply) -> (String, &str) {
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
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    );
    assert_eq!(
        csp,
        format!(
            "script-src 'nonce-{nonce}' https://beacon-v2.helpscout.net; \
             object-src 'none'; base-uri 'none'"
        )
    );

    // Every script carries the nonce: the loader with its init, and the call.
    let body = &reply.body;
    let tag = format!(r#"<script nonce="{nonce}">"#);
    assert_eq!(body.matches("<script").count(), 2, "{body}");
    assert_eq!(body.matches(&tag).count(), 2, "{body}");
    let loader = &body[body.find(&tag).unwrap()..];
    let loader = &loader[..loader.find("</script>").unwrap()];
    assert!(loader.contains("n.src=\"https://beacon-v2.helpscout.net\""));
    assert!(loader.contains("window.Beacon('init', 'YOUR-BEACON-ID')"));

    let second = &body[body.rfind(&tag).unwrap()..];
    let second = &second[..second.find("</script>").unwrap() + "</script>".len()];

    assert!(!body.contains("argon2id"), "the password hash leaked");
    assert!(!body.contains(SECRET), "the secret leaked");
    assert!(!body.contains(DEMO_SECRET), "the demo secret leaked");
    (nonce.to_owned(), second)
}

/// Checks the identify call's JSON argument: the sample user, with the
/// signature [`hmac_hex`] gives for `secret` and [`EMAIL`].
pub fn check_identify_json(json: &str, secret: &str) {
    let object: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(
        object,
        serde_json::json!({
            "name": "Jane O'Doe",
            "email": EMAIL,
            "company": "Acme & Co",
            "jobTitle": "CTO",
            "signature": hmac_hex(secret, EMAIL),
        })
    );
}

/// Checks the one page of a single-page example (axum-minijinja, actix-tera,
/// axum-handlebars): [`check_frame`], then exactly one identify call signed
/// with `secret`. Returns the nonce.
pub fn check_page(reply: &Reply, secret: &str) -> String {
    let (nonce, _) = check_frame(reply);
    let body = &reply.body;
    let identify = format!(r#"<script nonce="{nonce}">window.Beacon('identify', "#);
    assert_eq!(body.matches(&identify).count(), 1, "{body}");
    let rest = &body[body.find(&identify).unwrap() + identify.len()..];
    let json = &rest[..rest.find(");</script>").expect("the call ends")];
    assert!(json.contains(r#""name":"Jane\u0020O\u0027Doe""#), "{json}");
    check_identify_json(json, secret);
    // Autoescaped in the HTML, \u-escaped in the script: never raw.
    assert!(!body.contains("O'Doe") && !body.contains("Acme & Co"));
    nonce
}

/// The single-page example `bin` with a secret set: two requests, each a
/// page signed with [`SECRET`] under its own nonce, and nothing on stderr.
pub fn check_single_page_with_secret(bin: &str) {
    let mut server = Server::start(bin, Some(SECRET));
    let first = check_page(&get(&server.addr, "/"), SECRET);
    let second = check_page(&get(&server.addr, "/"), SECRET);
    assert_ne!(first, second, "a fresh nonce per request");
    assert_eq!(server.stop(), "", "quiet with a secret set");
}

/// The single-page example `bin` without a secret: a page signed with
/// [`DEMO_SECRET`], and the warning on stderr.
pub fn check_single_page_without_secret(bin: &str) {
    let mut server = Server::start(bin, None);
    check_page(&get(&server.addr, "/"), DEMO_SECRET);
    check_demo_key_warning(&server.stop());
}

/// Checks that `stderr` says the secret is not set and the demo key is used.
pub fn check_demo_key_warning(stderr: &str) {
    assert!(
        stderr.contains("HELPSCOUT_BEACON_SECRET is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo key"), "{stderr}");
}

/// Checks that the example `bin` with an empty secret exits with an error,
/// prints nothing on stdout and exactly the error line on stderr.
pub fn check_empty_secret_is_an_error(bin: &str) {
    let mut child = command(bin, Some("")).spawn().expect("the example starts");
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running with an empty secret");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    assert!(!status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: HELPSCOUT_BEACON_SECRET: set but empty\n"
    );
}

/// The tests of a single-page example, one `#[test]` each: the page signed
/// with a secret set ([`check_single_page_with_secret`]), with the demo key
/// and its warning without one ([`check_single_page_without_secret`]), and
/// an error for an empty secret ([`check_empty_secret_is_an_error`]).
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
        fn serves_a_signed_identify_call_under_a_fresh_nonce() {
            $crate::check_single_page_with_secret(BIN);
        }

        #[test]
        fn without_a_secret_it_uses_the_demo_key_and_says_so() {
            $crate::check_single_page_without_secret(BIN);
        }

        #[test]
        fn an_unusable_secret_is_an_error_not_a_fallback() {
            $crate::check_empty_secret_is_an_error(BIN);
        }
    };
}
