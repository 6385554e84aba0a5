//! A tiny HTTP/1.1 server on loopback for browser tests whose pages need
//! real response headers (a `Content-Security-Policy` header rather than a
//! `<meta>` one): fixed pages by path, one request per connection, bounded
//! in time. It stops when dropped, or by itself once its lifetime is over.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A page the server answers a `GET` of its path with.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTML, sent as `text/html; charset=utf-8`.
    pub body: String,
    /// The `Content-Security-Policy` header's value, if any.
    pub csp: Option<String>,
}

/// A request the server answered: its path and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The request's path.
    pub path: String,
    /// 200 for a page, 404 for anything else, 400 for what is no `GET`.
    pub status: u16,
}

/// The server: a thread accepting on `127.0.0.1:0`, a thread per
/// connection, each bounded by read and write timeouts.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Served>>>,
    thread: Option<JoinHandle<()>>,
}

/// How long a connection may take to send its request or take the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head read.
const MAX_HEAD: usize = 16 * 1024;

impl Server {
    /// Serves `pages` (by path, e.g. `/tera/top.html`) until dropped or
    /// until `lifetime` is over.
    ///
    /// # Panics
    /// When it cannot listen on loopback, or a header value holds a line
    /// break.
    pub fn start(pages: HashMap<String, Response>, lifetime: Duration) -> Server {
        for (path, page) in &pages {
            let csp = page.csp.as_deref().unwrap_or("");
            assert!(!csp.contains(['\r', '\n']), "{path}: header {csp:?}");
        }
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen on loopback");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let pages = Arc::new(pages);
        let thread = {
            let (stop, log) = (Arc::clone(&stop), Arc::clone(&log));
            thread::spawn(move || accept_until(&listener, &stop, lifetime, &pages, &log))
        };
        Server {
            addr,
            stop,
            log,
            thread: Some(thread),
        }
    }

    /// The URL of `path` (starting with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server, waits for its connections to end, and returns
    /// every request it answered, in order.
    pub fn finish(mut self) -> Vec<Served> {
        self.shut_down();
        std::mem::take(&mut *self.log.lock().expect("log"))
    }

    fn shut_down(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn accept_until(
    listener: &TcpListener,
    stop: &AtomicBool,
    lifetime: Duration,
    pages: &Arc<HashMap<String, Response>>,
    log: &Arc<Mutex<Vec<Served>>>,
) {
    let deadline = Instant::now() + lifetime;
    let mut connections = Vec::new();
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let (pages, log) = (Arc::clone(pages), Arc::clone(log));
                connections.push(thread::spawn(move || {
                    if let Some(served) = answer(stream, &pages) {
                        log.lock().expect("log").push(served);
                    }
                }));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
    for connection in connections {
        let _ = connection.join();
    }
}

/// Reads one request head and answers it; `None` when the connection sent
/// no request (a speculative preconnect) or broke.
fn answer(mut stream: TcpStream, pages: &HashMap<String, Response>) -> Option<Served> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(IO_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(IO_TIMEOUT)).ok()?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    if head.is_empty() {
        return None;
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("").to_owned();
    let (status, reason, page) = match (method, pages.get(&path)) {
        ("GET", Some(page)) => (200, "OK", Some(page)),
        ("GET", None) => (404, "Not Found", None),
        _ => (400, "Bad Request", None),
    };
    let body = page.map_or("", |p| p.body.as_str());
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(csp) = page.and_then(|p| p.csp.as_deref()) {
        response.push_str(&format!("Content-Security-Policy: {csp}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(body);
    stream.write_all(response.as_bytes()).ok()?;
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Some(Served { path, status })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(server: &Server, path: &str) -> String {
        let addr = server.url("").trim_start_matches("http://").to_owned();
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn serves_its_pages_with_their_header_and_stops() {
        let pages = HashMap::from([(
            "/a.html".to_owned(),
            Response {
                body: "<p>é</p>".into(),
                csp: Some("script-src 'none'".into()),
            },
        )]);
        let server = Server::start(pages, Duration::from_secs(30));
        let page = get(&server, "/a.html?x=1");
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
        assert!(page.contains("\r\nContent-Security-Policy: script-src 'none'\r\n"));
        assert!(page.contains("\r\nContent-Length: 9\r\n"));
        assert!(page.ends_with("\r\n\r\n<p>é</p>"));
        assert!(get(&server, "/favicon.ico").starts_with("HTTP/1.1 404 "));
        // A connection that sends nothing is not logged, and does not hold
        // up the others.
        let idle = TcpStream::connect(server.url("").trim_start_matches("http://")).unwrap();
        assert!(get(&server, "/a.html").starts_with("HTTP/1.1 200 "));
        drop(idle);
        let log = server.finish();
        let paths: Vec<(&str, u16)> = log.iter().map(|s| (s.path.as_str(), s.status)).collect();
        assert_eq!(
            paths,
            [("/a.html", 200), ("/favicon.ico", 404), ("/a.html", 200)]
        );
    }

    #[test]
    fn stops_by_itself_after_its_lifetime() {
        let server = Server::start(HashMap::new(), Duration::from_millis(100));
        let addr = server.url("").trim_start_matches("http://").to_owned();
        thread::sleep(Duration::from_millis(400));
        // The listener is closed once the accepting thread has ended.
        assert!(TcpStream::connect(addr).is_err());
        assert!(server.finish().is_empty());
    }
}
