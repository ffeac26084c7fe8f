//! `callscope serve` as clients meet it: the real binary on a loopback port, driven with a
//! real HTTP client (reqwest), raw TCP for what no polite client does (huge and slow bodies),
//! and a real WebSocket client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::StatusCode;
use serde_json::Value;

use super::live::{play_call, split_call, Pulse, AGENT_SINK, CUSTOMER_SINK};
use super::{callscope, collect_stderr, fixtures, text};

/// A short, clear clip (3 s of a LibriVox reading): quick to analyse where any speech will do.
const CLIP: &str = "librivox/sense_and_sensibility_01_austen_64kb-0880.wav";
/// A fixture call (39 s, stereo, retail / order_status) for the original response's keys.
const CALL: &str = "calls/call_12.wav";

/// A running server, stopped on drop.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// `callscope serve` over the library in `data` (tiny.en, offline analyzer), with `extra`
    /// flags, on a free loopback port unless they say `--bind`.
    fn start(data: &Path, extra: &[&str]) -> Server {
        Server::start_from(Command::new(env!("CARGO_BIN_EXE_callscope")), data, extra)
    }

    /// The same, from `command` (the binary with an environment already set).
    fn start_from(mut command: Command, data: &Path, extra: &[&str]) -> Server {
        let bind: &[&str] = if extra.contains(&"--bind") { &[] } else { &["--bind", "127.0.0.1:0"] };
        let mut child = command
            .arg("serve")
            .args(bind)
            .args(extra)
            .env("CALLSCOPE_DATA", data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("callscope serve starts");
        let (stderr, rx) = collect_stderr(&mut child, |line| line.split("listening on http://").nth(1).map(|a| a.trim().to_string()));
        let Ok(addr) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!("the server did not start:\n{}", stderr.lock().expect("lock"));
        };
        // Bound on every address, it is reached on loopback.
        let addr = addr.replace("0.0.0.0", "127.0.0.1");
        Server { child, addr, stderr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn log(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// SIGTERM, then wait for the process to end.
    fn stop(&mut self) -> ExitStatus {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop within 60 s:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A data folder whose settings choose tiny.en (fast) and the offline analyzer.
fn data_folder() -> tempfile::TempDir {
    let data = tempfile::tempdir().expect("temp dir");
    let out = callscope(data.path(), &["config", "set", "model", "tiny.en"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    data
}

fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(600)).build().expect("HTTP client")
}

/// A multipart/form-data body: text fields, then the file (if any) under `file_field`.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "callscope-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((field, file_name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Upload `bytes` as `file_name` to `path` with `fields`.
fn upload(server: &Server, path: &str, file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Response {
    let (content_type, body) = multipart(fields, Some(("file", file_name, bytes)));
    client().post(server.url(path)).header("content-type", content_type).body(body).send().expect("the upload is answered")
}

fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.text().expect("a body");
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {body}"));
    (status, value)
}

fn get(server: &Server, path: &str) -> (StatusCode, Value) {
    json(client().get(server.url(path)).send().expect("answered"))
}

fn read_fixture(relative: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Wait until the job is done or failed; returns its view.
fn wait_for_job(server: &Server, job_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let (status, job) = get(server, &format!("/api/jobs/{job_id}"));
        assert_eq!(status, StatusCode::OK, "{job}");
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        assert!(Instant::now() < deadline, "job {job_id} did not finish: {job}\n{}", server.log());
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Wait until `/readyz` says the model is loaded.
fn wait_until_ready(server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = get(server, "/readyz");
        if status == StatusCode::OK {
            assert_eq!(body["ready"], true);
            return;
        }
        assert!(Instant::now() < deadline, "never ready: {body}\n{}", server.log());
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A WebSocket client to `/ws?QUERY` with a read timeout.
fn websocket(server: &Server, query: &str) -> tungstenite::WebSocket<TcpStream> {
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(600))).expect("timeout");
    let (socket, _) = tungstenite::client(format!("ws://{}/ws{query}", server.addr), stream).expect("WebSocket handshake");
    socket
}

/// Send raw bytes and read whatever the server answers until it closes or `timeout` passes.
fn raw_exchange(server: &Server, request: &[u8], body: Option<Vec<u8>>, timeout: Duration) -> String {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    stream.write_all(request).expect("send the head");
    // The body is sent on its own thread so the answer can be read while it is still going.
    let writer = body.map(|body| {
        let mut out = stream.try_clone().expect("clone");
        std::thread::spawn(move || {
            for chunk in body.chunks(64 * 1024) {
                if out.write_all(chunk).is_err() {
                    return;
                }
            }
        })
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && String::from_utf8_lossy(&answer).contains("\"detail\"") {
            break;
        }
    }
    drop(writer);
    String::from_utf8_lossy(&answer).into_owned()
}

mod load;
mod refusals;
mod routes;
