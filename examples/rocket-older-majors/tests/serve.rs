//! The example as a user runs it: start the binary on a free port, fetch
//! `/tera`, `/minijinja` and `/signed-out` over plain HTTP, and check the CSP
//! nonce, the signed identify call (byte for byte the same from Tera 1 and
//! MiniJinja 2), the logout call and what must not be on the page.

use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const BIN: &str = env!("CARGO_BIN_EXE_rocket-older-majors");
const SECRET_VAR: &str = "HELPSCOUT_BEACON_SECRET";
const SECRET: &str = "secret_key_from_beacon_config";
const DEMO_SECRET: &str = "demo-secret-not-for-production";
const EMAIL: &str = "jane.doe@example.com";
const TIMEOUT: Duration = Duration::from_secs(30);

fn command(secret: Option<&str>) -> Command {
    let mut command = Command::new(BIN);
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
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(secret: Option<&str>) -> Server {
        let mut child = command(secret).spawn().expect("the example starts");
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
    fn stop(&mut self) -> String {
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

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.iter().filter(|(n, _)| n == name);
        let value = values.next().map(|(_, v)| v.as_str());
        assert!(values.next().is_none(), "one {name} header");
        value
    }
}

/// A minimal HTTP/1.1 GET: `Connection: close`, read to the end.
fn get(addr: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("a UTF-8 response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("name: value");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let reply = Reply {
        status: status.parse().unwrap(),
        headers,
        body: body.to_owned(),
    };
    assert_eq!(reply.header("transfer-encoding"), None, "not chunked");
    assert_eq!(
        reply.header("content-length"),
        Some(&*body.len().to_string())
    );
    reply
}

fn hmac_hex(secret: &str, email: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(email.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks what every page has: status, headers, a fresh-looking nonce in the
/// CSP, exactly two scripts, both with that nonce, the first being Beacon's
/// loader. Returns the nonce and the second script element.
fn check_frame(reply: &Reply) -> (String, &str) {
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

/// Checks a signed-in page signed with `secret` and rendered by `engine`;
/// returns its nonce and its identify element with the nonce taken out.
fn check_signed_in(reply: &Reply, secret: &str, engine: &str) -> (String, String) {
    let (nonce, identify) = check_frame(reply);
    let body = &reply.body;
    assert!(
        body.contains(&format!("<p>Rendered by {engine} (rocket_dyn_templates).")),
        "not rendered by {engine}: {body}"
    );

    // The element as the core writes it: Beacon's fields in order, the
    // signature last, every `'` and `&` \u-escaped for the script context.
    let signature = hmac_hex(secret, EMAIL);
    assert_eq!(
        identify,
        format!(
            r#"<script nonce="{nonce}">window.Beacon('identify', {{"name":"Jane O\u0027Doe","email":"{EMAIL}","company":"Acme \u0026 Co","jobTitle":"CTO","signature":"{signature}"}});</script>"#
        ),
        "{body}"
    );
    let start = identify.find('{').unwrap();
    let json = &identify[start..identify.rfind(");</script>").unwrap()];
    let object: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(
        object,
        serde_json::json!({
            "name": "Jane O'Doe",
            "email": EMAIL,
            "company": "Acme & Co",
            "jobTitle": "CTO",
            "signature": signature,
        })
    );

    // Autoescaped in the HTML, \u-escaped in the script: never raw.
    assert!(!body.contains("O'Doe") && !body.contains("Acme & Co"));
    assert!(body.contains("Hello, Jane O&#x27;Doe") || body.contains("Hello, Jane O&#39;Doe"));
    let without_nonce = identify.replace(&nonce, "NONCE");
    (nonce, without_nonce)
}

/// Checks the signed-out page and returns its nonce.
fn check_signed_out(reply: &Reply) -> String {
    let (nonce, logout) = check_frame(reply);
    assert_eq!(
        logout,
        format!(
            r#"<script nonce="{nonce}">window.Beacon('logout', {{"endActiveChat":true}});</script>"#
        )
    );
    let body = &reply.body;
    assert!(
        !body.contains("identify") && !body.contains("signature"),
        "{body}"
    );
    assert!(!body.contains(EMAIL), "{body}");
    nonce
}

#[test]
fn both_engines_serve_the_same_signed_identify_call_under_fresh_nonces() {
    let mut server = Server::start(Some(SECRET));
    let mut nonces = HashSet::new();
    let mut elements = HashSet::new();
    for _ in 0..2 {
        for (path, engine) in [("/tera", "Tera 1"), ("/minijinja", "MiniJinja 2")] {
            let (nonce, element) = check_signed_in(&get(&server.addr, path), SECRET, engine);
            assert!(nonces.insert(nonce), "a fresh nonce per request");
            elements.insert(element);
        }
        assert!(nonces.insert(check_signed_out(&get(&server.addr, "/signed-out"))));
    }
    assert_eq!(
        elements.len(),
        1,
        "byte-identical identify elements but for the nonce: {elements:#?}"
    );
    assert_eq!(server.stop(), "", "quiet with a secret set");
}

#[test]
fn without_a_secret_it_uses_the_demo_key_and_says_so() {
    let mut server = Server::start(None);
    check_signed_in(&get(&server.addr, "/tera"), DEMO_SECRET, "Tera 1");
    check_signed_in(&get(&server.addr, "/minijinja"), DEMO_SECRET, "MiniJinja 2");
    check_signed_out(&get(&server.addr, "/signed-out"));
    let stderr = server.stop();
    assert!(
        stderr.contains("HELPSCOUT_BEACON_SECRET is not set"),
        "{stderr}"
    );
    assert!(stderr.contains("embedded demo key"), "{stderr}");
}

#[test]
fn an_unusable_secret_is_an_error_not_a_fallback() {
    let mut child = command(Some("")).spawn().expect("the example starts");
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
