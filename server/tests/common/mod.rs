//! Shared by the HTTP tests: spawn the real `signaltrace serve` binary on a
//! free loopback port, talk HTTP/1.1 to it over a plain `TcpStream`, and kill
//! it when the test ends (also on panic, through `Drop`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_signaltrace");
/// The secret the tests give the server, so they can forge tokens with it.
pub const SECRET: &str = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
pub const DEMO_EMAIL: &str = "analyst@tenex.ai";
pub const DEMO_PASSWORD: &str = "password123";

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

// Not every test file that includes this module uses it.
#[allow(unused_imports)]
pub use detector::generate::SAMPLE_FILES as DATA_FILES;

/// A running server; killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    /// Everything the server wrote to stderr so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `signaltrace serve --addr 127.0.0.1:0 <args>` with the test
    /// secret, and waits for the `listening on http://127.0.0.1:PORT` line.
    pub fn start(args: &[&str]) -> Server {
        Server::start_with_env(args, &[("SIGNALTRACE_JWT_SECRET", SECRET)])
    }

    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env_remove("SIGNALTRACE_JWT_SECRET")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn signaltrace serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut port_tx = Some(port_tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
                    let port: u16 = rest.trim().parse().expect("port after listening on");
                    if let Some(tx) = port_tx.take() {
                        let _ = tx.send(port);
                    }
                }
                sink.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        match port_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => server.port = port,
            Err(_) => panic!(
                "server did not report its port; stderr:\n{}",
                server.log_text()
            ),
        }
        server
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Peak resident memory of the server process, in KiB.
    pub fn vm_hwm_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmHWM:")
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        s
    }

    /// One request on a fresh connection (`Connection: close`).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut s = self.connect();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        // The server may answer (413, 401) and close before taking the whole
        // body: a failed write is fine, the response is what counts.
        if s.write_all(head.as_bytes()).is_ok() {
            let _ = s.write_all(body);
        }
        read_response(&mut s)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    pub fn login(&self, email: &str, password: &str) -> Response {
        let body = serde_json::json!({ "email": email, "password": password }).to_string();
        self.request(
            "POST",
            "/api/auth/login",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }

    /// A token for the demo account.
    pub fn token(&self) -> String {
        let r = self.login(DEMO_EMAIL, DEMO_PASSWORD);
        assert_eq!(r.status, 200, "login: {}", r.text());
        r.json()["token"].as_str().unwrap().to_string()
    }

    /// `POST /api/analyze{query}` with the given multipart parts.
    pub fn analyze(&self, token: &str, query: &str, parts: &[Part]) -> Response {
        let (content_type, body) = multipart(parts);
        let auth = format!("Bearer {token}");
        self.request(
            "POST",
            &format!("/api/analyze{query}"),
            &[("Authorization", &auth), ("Content-Type", &content_type)],
            &body,
        )
    }

    /// A connection on which `bytes` were sent (and nothing else yet).
    pub fn send_raw(&self, bytes: &[u8]) -> TcpStream {
        let mut s = self.connect();
        s.write_all(bytes).expect("send");
        s
    }

    /// The head and the first part of the body of an `/api/analyze` upload
    /// that declares `parts` but sends only its first half: a stalled upload.
    pub fn stalled_upload(&self, token: &str, parts: &[Part]) -> TcpStream {
        let (content_type, body) = multipart(parts);
        let head = format!(
            "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut s = self.send_raw(head.as_bytes());
        s.write_all(&body[..body.len() / 2])
            .expect("send half the body");
        s
    }

    /// Sends SIGTERM without waiting.
    pub fn signal_term(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(ok.success());
    }

    /// Resident memory of the server process now, in KiB.
    pub fn vm_rss_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmRSS:")
    }

    /// Sends SIGTERM (graceful shutdown) and waits for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(ok.success());
        self.terminate_wait()
    }

    /// Waits (up to 30 s) for the process to exit by itself.
    pub fn terminate_wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads until the peer closes the connection (or `limit` passes, which
/// fails the test); returns what arrived and how long it took.
pub fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    s.set_read_timeout(Some(limit)).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 << 10];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "connection still open after {:?} ({e}); got {:?}",
                started.elapsed(),
                String::from_utf8_lossy(&raw)
            ),
        }
        assert!(started.elapsed() < limit, "connection still open");
    }
    (raw, started.elapsed())
}

pub fn proc_status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{key} not in /proc/{pid}/status"))
}

pub struct Response {
    pub status: u16,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The `error` message of a JSON error body; panics on anything else.
    pub fn error(&self) -> String {
        let v = self.json();
        let obj = v.as_object().expect("error body is an object");
        assert_eq!(obj.len(), 1, "error body has only `error`: {v}");
        obj["error"]
            .as_str()
            .expect("`error` is a string")
            .to_string()
    }
}

/// Reads a whole response (the server closes after it: `Connection: close`).
pub fn read_response(s: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    // A reset after the response is complete (the server closing with unread
    // upload bytes) is not an error for us: keep what arrived.
    let mut buf = [0u8; 64 << 10];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !raw.is_empty() => break,
            Err(e) => panic!("reading the response: {e}"),
        }
    }
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    if let Some(len) = headers.iter().find(|(k, _)| k == "content-length") {
        let len: usize = len.1.parse().unwrap();
        assert_eq!(body.len(), len, "body shorter than Content-Length");
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = std::str::from_utf8(&data[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// One part of a multipart/form-data body.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

impl<'a> Part<'a> {
    pub fn file(filename: &'a str, data: &'a [u8]) -> Self {
        Part {
            name: "file",
            filename: Some(filename),
            content_type: "application/octet-stream",
            data,
        }
    }

    pub fn config(json: &'a str) -> Self {
        Part {
            name: "config",
            filename: None,
            content_type: "application/json",
            data: json.as_bytes(),
        }
    }
}

pub const BOUNDARY: &str = "----signaltrace-test-7d3f9a2c";

/// (Content-Type header, body).
pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disp = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
        if let Some(f) = p.filename {
            disp.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend_from_slice(
            format!("{disp}\r\nContent-Type: {}\r\n\r\n", p.content_type).as_bytes(),
        );
        body.extend_from_slice(p.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// The report `signaltrace analyze` prints for a file, parsed.
pub fn cli_report(file: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::new(BIN)
        .arg("analyze")
        .arg(file)
        .args(extra)
        .output()
        .expect("run signaltrace analyze");
    assert!(
        out.status.success(),
        "analyze failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("CLI prints JSON")
}

/// base64url without padding, as JWTs use.
pub fn b64url(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | *b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A scratch directory under the system temp dir, removed on drop (also
/// when the test panics).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("st-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = PathBuf;

    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
