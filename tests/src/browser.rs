//! The external JavaScript engines: headless Chromium and Node.
//!
//! A missing tool skips its test loudly on a developer's machine and fails
//! it under `CI=true`, so CI can never pass without having run the check.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::Duration;

use wait_timeout::ChildExt;

/// Whether this run is CI's (`CI=true`), where a missing tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Finds the program `name` on `PATH` or at one of `fallbacks`.
///
/// When it is missing: under `CI=true` this panics; otherwise it prints
/// `SKIPPED: {name} not found ({install}); CI=true makes this a failure` to
/// stderr and returns `None`, and the caller returns.
pub fn require_tool(name: &str, fallbacks: &[&str], install: &str) -> Option<PathBuf> {
    let found = find_tool(name, fallbacks);
    if found.is_none() {
        skip_or_fail(&format!(
            "{name} not found ({install}); CI=true makes this a failure"
        ));
    }
    found
}

/// The program `name` on `PATH`, or else the first executable of
/// `fallbacks`.
pub fn find_tool(name: &str, fallbacks: &[&str]) -> Option<PathBuf> {
    which::which(name)
        .ok()
        .or_else(|| fallbacks.iter().find_map(|path| which::which(path).ok()))
}

/// Under `CI=true` panics with `message`; otherwise prints `SKIPPED:
/// {message}` in a banner straight to the process's stderr (libtest
/// captures `eprintln!` of a passing test, and a skip must never be silent).
pub fn skip_or_fail(message: &str) {
    if in_ci() {
        panic!("CI=true, so this is a failure: {message}");
    }
    let banner = format!("\n**********\nSKIPPED: {message}\n**********\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), banner.as_bytes());
}

/// Debian's Chromium, or `None` (and a loud SKIPPED line) when it is not
/// installed outside CI. See [`require_tool`].
pub fn chromium() -> Option<Chromium> {
    require_tool(
        "chromium",
        &["/usr/bin/chromium"],
        "apt-get install chromium",
    )
    .map(|path| Chromium { path })
}

/// Node.js, or `None` (and a loud SKIPPED line) when it is not installed
/// outside CI. See [`require_tool`].
pub fn node() -> Option<PathBuf> {
    require_tool("node", &["/usr/bin/node"], "apt-get install nodejs")
}

/// Runs `command` to completion with its stdout and stderr captured,
/// killing it and panicking after `timeout`.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let Some(status) = child.wait_timeout(timeout).expect("wait for child") else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{command:?} did not finish within {timeout:?}; killed");
    };
    let collect = |handle: thread::JoinHandle<std::io::Result<Vec<u8>>>| {
        handle
            .join()
            .expect("pipe reader")
            .expect("read child output")
    };
    Output {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    }
}

/// A headless Chromium that loads a page from a file and dumps its DOM.
#[derive(Debug, Clone)]
pub struct Chromium {
    path: PathBuf,
}

impl Chromium {
    /// Writes `html` to a fresh temporary directory, loads it as a
    /// `file://` page in headless Chromium with a fresh profile, and
    /// returns the DOM as serialized after the page's load event and up to
    /// 10 s of virtual time (timers run instantly).
    ///
    /// # Panics
    /// When Chromium fails, exits non-zero, or takes more than 2 minutes.
    pub fn dump_dom(&self, html: &str) -> String {
        let dir = tempfile::tempdir().expect("temporary directory");
        let page = dir.path().join("page.html");
        std::fs::write(&page, html).expect("write page");
        self.dump(&format!("file://{}", page.display()), dir.path(), &[])
    }

    /// [`Chromium::dump_dom`] for a page that Chromium fetches from `url`
    /// (a loopback server's, say), with `extra` command-line flags.
    ///
    /// # Panics
    /// As [`Chromium::dump_dom`].
    pub fn dump_url(&self, url: &str, extra: &[&str]) -> String {
        let dir = tempfile::tempdir().expect("temporary directory");
        self.dump(url, dir.path(), extra)
    }

    /// Loads `url` with a fresh profile in `dir` and dumps its DOM.
    fn dump(&self, url: &str, dir: &std::path::Path, extra: &[&str]) -> String {
        let profile = dir.join("profile");
        let output = run_with_timeout(
            Command::new(&self.path)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-dev-shm-usage",
                    "--virtual-time-budget=10000",
                ])
                .args(extra)
                .arg(format!("--user-data-dir={}", profile.display()))
                .arg("--dump-dom")
                .arg(url),
            Duration::from_secs(120),
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "chromium failed ({}):\n{stderr}",
            output.status
        );
        let dom = String::from_utf8(output.stdout).expect("chromium dumps UTF-8");
        assert!(!dom.trim().is_empty(), "chromium dumped nothing:\n{stderr}");
        dom
    }

    /// [`Chromium::dump_dom`] for several pages, each in its own browser,
    /// at most three at a time; the DOMs in the pages' order.
    pub fn dump_doms(&self, pages: &[String]) -> Vec<String> {
        three_at_a_time(pages, |html| self.dump_dom(html))
    }

    /// [`Chromium::dump_url`] for several URLs, each in its own browser, at
    /// most three at a time; the DOMs in the URLs' order.
    pub fn dump_urls(&self, urls: &[String], extra: &[&str]) -> Vec<String> {
        three_at_a_time(urls, |url| self.dump_url(url, extra))
    }
}

/// `f` of every item, at most three at a time on their own threads; the
/// results in the items' order, and a panic passed on.
fn three_at_a_time(items: &[String], f: impl Fn(&String) -> String + Sync) -> Vec<String> {
    let f = &f;
    items
        .chunks(3)
        .flat_map(|chunk| {
            thread::scope(|scope| {
                let handles: Vec<_> = chunk
                    .iter()
                    .map(|item| scope.spawn(move || f(item)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect::<Vec<_>>()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_found_on_path_or_at_a_fallback() {
        assert_eq!(
            find_tool("no-such-tool-xyzzy", &["/nonexistent/xyzzy"]),
            None
        );
        assert!(find_tool("sh", &[]).is_some());
        assert_eq!(
            find_tool("no-such-tool-xyzzy", &["/nonexistent", "/bin/sh"]),
            Some(PathBuf::from("/bin/sh"))
        );
    }

    #[test]
    fn a_hung_command_is_killed() {
        let result = std::panic::catch_unwind(|| {
            run_with_timeout(Command::new("sleep").arg("30"), Duration::from_millis(200))
        });
        assert!(result.is_err());
        let output = run_with_timeout(Command::new("echo").arg("hi"), Duration::from_secs(10));
        assert_eq!(output.stdout, b"hi\n");
    }
}
