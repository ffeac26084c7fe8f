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

#[test]
fn the_original_route_answers_with_its_keys_and_the_library_api_serves_the_call() {
    let data = data_folder();
    let server = Server::start(data.path(), &[]);
    assert_eq!(get(&server, "/healthz"), (StatusCode::OK, serde_json::json!({ "status": "ok" })));
    wait_until_ready(&server);

    // Synchronous, without the trailing slash: the original service's answer, key for key.
    let call_bytes = read_fixture(CALL);
    let (status, result) = json(upload(&server, "/api/transcribe", "call_12.wav", &call_bytes, &[("model", "tiny.en"), ("provider", "offline")]));
    assert_eq!(status, StatusCode::OK, "{result}\n{}", server.log());
    for key in ["filename", "domain", "category", "sentiment", "transcription", "domain_specific_data", "general_metrics", "token_usage"] {
        assert!(result.get(key).is_some(), "the original key `{key}` is missing: {result}");
    }
    for stage in ["stage1_transcription_and_detection", "stage2_combined_analysis", "total"] {
        for count in ["input", "output", "total"] {
            assert!(result["token_usage"][stage][count].is_u64(), "token_usage.{stage}.{count}: {result}");
        }
    }
    for key in ["call_id", "segments", "metrics", "summary"] {
        assert!(result.get(key).is_some(), "Callscope's `{key}` is missing: {result}");
    }
    assert_eq!((result["filename"].as_str(), result["domain"].as_str()), (Some("call_12.wav"), Some("retail")));
    assert!(result["transcription"].as_str().is_some_and(|t| t.to_lowercase().contains("order")), "{}", result["transcription"]);
    assert!(result["segments"].as_array().is_some_and(|s| s.len() >= 4), "{}", result["segments"]);
    let call_id = result["call_id"].as_i64().expect("call_id");

    // Asynchronous, with the slash: 202 at once, then progress and `stored` on the WebSocket.
    let mut socket = websocket(&server, "");
    let (status, accepted) = json(upload(&server, "/api/transcribe/?async=true", "clip.wav", &read_fixture(CLIP), &[]));
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let job_id = accepted["job_id"].as_str().expect("job_id").to_string();
    assert!(matches!(accepted["status"].as_str(), Some("queued" | "running")), "{accepted}");
    let mut kinds = Vec::new();
    let stored = loop {
        let message = socket.read().expect("a WebSocket message");
        let tungstenite::Message::Text(text) = message else { continue };
        let event: Value = serde_json::from_str(text.as_str()).expect("JSON message");
        if event["job_id"] != job_id.as_str() {
            continue;
        }
        kinds.push(event["type"].as_str().unwrap_or_default().to_string());
        match event["type"].as_str() {
            Some("stored") => break event,
            Some("error") => panic!("the job failed: {event}"),
            _ => assert_eq!(event["type"], "progress", "{event}"),
        }
    };
    assert!(kinds.len() >= 2 && kinds[0] == "progress", "progress comes before stored: {kinds:?}");
    let job = wait_for_job(&server, &job_id);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["call_id"], stored["call_id"]);
    assert_eq!(job["result"]["filename"], "clip.wav");
    assert!(job["result"]["general_metrics"].is_object(), "{job}");
    let (status, missing) = get(&server, "/api/jobs/no-such-job");
    assert_eq!((status, missing["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    // The library: list, filters, search, cursor paging.
    let (status, page) = get(&server, "/api/calls");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2), "{page}");
    let (_, retail) = get(&server, "/api/calls?domain=retail");
    assert_eq!(retail["items"].as_array().map(Vec::len), Some(1), "{retail}");
    assert_eq!(retail["items"][0]["id"], call_id);
    let (_, found) = get(&server, "/api/calls?q=desk");
    assert_eq!(found["items"][0]["id"], call_id, "{found}");
    assert!(found["items"][0]["snippet"].is_array(), "{found}");
    let (_, first) = get(&server, "/api/calls?limit=1&sort=oldest");
    assert_eq!(first["items"][0]["id"], call_id);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let (_, second) = get(&server, &format!("/api/calls?limit=1&sort=oldest&cursor={cursor}"));
    assert_eq!(second["items"][0]["id"], stored["call_id"]);
    assert_eq!(second["next_cursor"], Value::Null);
    let (status, bad) = get(&server, "/api/calls?sentiment=ecstatic");
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");

    // One call, as `calls show --json` prints it.
    let (status, shown) = get(&server, &format!("/api/calls/{call_id}"));
    assert_eq!(status, StatusCode::OK);
    let cli = callscope(data.path(), &["calls", "show", &call_id.to_string(), "--json"]);
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("calls show --json");
    assert_eq!(shown, cli, "the API and the CLI show the same call");

    // Exports, redacted by default.
    for (format, content_type, start) in [("json", "application/json", "{"), ("csv", "text/csv", "id,created_at,file_name"), ("srt", "application/x-subrip", "1\n"), ("vtt", "text/vtt", "WEBVTT")] {
        let response = client().get(server.url(&format!("/api/calls/{call_id}/export?format={format}"))).send().expect("export");
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        let kind = response.headers()["content-type"].to_str().unwrap_or_default().to_string();
        assert!(kind.starts_with(content_type), "{format}: {kind}");
        let body = response.text().expect("text");
        assert!(body.starts_with(start), "{format}: {body}");
    }
    let (status, _) = get(&server, &format!("/api/calls/{call_id}/export?format=docx"));
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The recording, whole and by range.
    let audio = server.url(&format!("/api/calls/{call_id}/audio"));
    let whole = client().get(&audio).send().expect("audio");
    assert_eq!((whole.status(), whole.headers()["accept-ranges"].to_str().ok()), (StatusCode::OK, Some("bytes")));
    assert_eq!(whole.bytes().expect("bytes").as_ref(), call_bytes.as_slice());
    let part = client().get(&audio).header("range", "bytes=100-199").send().expect("range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"].to_str().ok(), Some(format!("bytes 100-199/{}", call_bytes.len()).as_str()));
    assert_eq!(part.bytes().expect("bytes").as_ref(), &call_bytes[100..200]);
    let tail = client().get(&audio).header("range", "bytes=-10").send().expect("range");
    assert_eq!(tail.bytes().expect("bytes").as_ref(), &call_bytes[call_bytes.len() - 10..]);
    let outside = client().get(&audio).header("range", format!("bytes={}-", call_bytes.len())).send().expect("range");
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // The catalog, the API's description, and no CORS unless asked for.
    let (_, domains) = get(&server, "/api/domains");
    assert!(domains.as_array().is_some_and(|d| d.iter().any(|e| e["domain"] == "retail")), "{domains}");
    let (_, openapi) = get(&server, "/api/openapi.json");
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/api/transcribe/"]["post"].is_object());
    let preflight = client()
        .request(reqwest::Method::OPTIONS, server.url("/api/calls"))
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "GET")
        .send()
        .expect("preflight");
    assert!(preflight.headers().get("access-control-allow-origin").is_none(), "CORS is off by default");

    // Deleting the call removes it and the recording this server kept.
    let deleted = client().delete(server.url(&format!("/api/calls/{call_id}"))).send().expect("delete");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(get(&server, &format!("/api/calls/{call_id}")).0, StatusCode::NOT_FOUND);
    assert_eq!(client().get(&audio).send().expect("audio").status(), StatusCode::NOT_FOUND);
    let kept: Vec<_> = std::fs::read_dir(data.path().join("uploads")).expect("uploads").flatten().filter(|e| e.file_name() != ".incoming").collect();
    assert_eq!(kept.len(), 1, "only the clip's recording is left: {kept:?}");
    assert_eq!(client().delete(server.url(&format!("/api/calls/{call_id}"))).send().expect("delete").status(), StatusCode::NOT_FOUND);

    // Whatever is wrong is answered in JSON: a path that is no call id, a route that is not
    // there, a WebSocket route asked without upgrading.
    for (path, status) in [("/api/calls/twelve", StatusCode::BAD_REQUEST), ("/api/nothing", StatusCode::NOT_FOUND), ("/ws", StatusCode::UPGRADE_REQUIRED)] {
        let (got, body) = get(&server, path);
        assert!(got == status && body["detail"].is_string(), "{path}: {got} {body}");
    }
}

#[test]
fn bad_uploads_are_refused_by_name_leave_nothing_behind_and_the_next_upload_succeeds() {
    let data = data_folder();
    let server = Server::start(data.path(), &["--max-upload-mb", "1"]);

    // The malformed-audio corpus, file by file: each a 4xx naming the file, none a crash.
    let corpus = fixtures().join("malformed");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest")).expect("JSON");
    let mut refused = 0;
    for case in manifest["files"].as_array().expect("files") {
        let expected = case["expected"].as_str().unwrap_or_default();
        if matches!(expected, "ok" | "directory" | "missing") {
            continue;
        }
        let name = case["path"].as_str().expect("path");
        let bytes = std::fs::read(corpus.join(name)).expect("a corpus file");
        let (status, body) = json(upload(&server, "/api/transcribe/", name, &bytes, &[]));
        assert!(status.is_client_error(), "{name} ({expected}): {status} {body}");
        assert!(body["detail"].as_str().is_some_and(|d| d.contains(name)), "{name}: the message names the file: {body}");
        assert_eq!(body["file"], name, "{body}");
        assert!(!body["detail"].as_str().unwrap_or_default().contains(&data.path().display().to_string()), "no server path: {body}");
        refused += 1;
    }
    assert!(refused >= 30, "{refused} corpus files were tried");

    // A form without `file`, a body that is not a form, a question that is not a flag.
    let (content_type, body) = multipart(&[("model", "tiny.en")], None);
    let (status, missing) = json(client().post(server.url("/api/transcribe/")).header("content-type", content_type).body(body).send().expect("answered"));
    assert_eq!((status, missing["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_file")), "{missing}");
    let (content_type, body) = multipart(&[], Some(("recording", "call.wav", b"RIFF")));
    let (status, _) = json(client().post(server.url("/api/transcribe/")).header("content-type", content_type).body(body).send().expect("answered"));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a file in another field is not the `file` field");
    let (status, wrong) = json(client().post(server.url("/api/transcribe/")).header("content-type", "application/json").body("{\"file\": \"call.wav\"}").send().expect("answered"));
    assert_eq!((status, wrong["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("not_multipart")), "{wrong}");
    let (status, _) = json(upload(&server, "/api/transcribe/?async=maybe", "clip.wav", b"RIFF", &[]));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, unknown) = json(upload(&server, "/api/transcribe/", "clip.wav", &read_fixture(CLIP), &[("model", "huge-v9")]));
    assert_eq!(status, StatusCode::BAD_REQUEST, "{unknown}");
    let (status, provider) = json(upload(&server, "/api/transcribe/", "clip.wav", &read_fixture(CLIP), &[("provider", "chatgpt")]));
    assert!(status == StatusCode::BAD_REQUEST && provider["detail"].as_str().is_some_and(|d| d.contains("offline")), "{provider}");

    // 2 GB announced: refused on the headers, before any of the body is read.
    let head = format!(
        "POST /api/transcribe/ HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 2147483648\r\n\r\n",
        server.addr
    );
    let answer = raw_exchange(&server, head.as_bytes(), None, Duration::from_secs(30));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Streamed with no length: refused once it passes the limit (1 MB here).
    let (content_type, body) = multipart(&[], Some(("file", "big.wav", &vec![7u8; 3 * 1024 * 1024])));
    let head = format!("POST /api/transcribe/ HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n", server.addr);
    let mut chunked = Vec::new();
    for piece in body.chunks(32 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw_exchange(&server, head.as_bytes(), Some(chunked), Duration::from_secs(30));
    assert!(answer.starts_with("HTTP/1.1 413") && answer.contains("big.wav"), "{answer}");

    // A slow-loris client that never finishes its headers is dropped.
    let started = Instant::now();
    let answer = raw_exchange(&server, format!("POST /api/transcribe/ HTTP/1.1\r\nHost: {}\r\n", server.addr).as_bytes(), None, Duration::from_secs(60));
    assert!(started.elapsed() < Duration::from_secs(30), "dropped after the header timeout, not held: {answer}");

    // A name that tries to leave the upload folder stays inside it; the upload succeeds.
    let (status, result) = json(upload(&server, "/api/transcribe/", "../../escaped.wav", &read_fixture(CLIP), &[]));
    assert_eq!(status, StatusCode::OK, "{result}\n{}", server.log());
    assert_eq!(result["filename"], "escaped.wav");
    assert!(!data.path().join("escaped.wav").exists() && !data.path().parent().expect("parent").join("escaped.wav").exists());

    // Nothing partial: one call, one kept recording, no upload left half-written.
    let (_, page) = get(&server, "/api/calls");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "only the good upload is stored: {page}");
    let uploads = data.path().join("uploads");
    let kept: Vec<PathBuf> = std::fs::read_dir(&uploads).expect("uploads").flatten().map(|e| e.path()).filter(|p| !p.ends_with(".incoming")).collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].join("escaped.wav").is_file(), "{kept:?}");
    let incoming = std::fs::read_dir(uploads.join(".incoming")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(incoming, 0, "no upload is left half-written");
    let log = server.log();
    assert!(!log.contains("panicked") && !log.contains("RUST_BACKTRACE"), "{log}");
}

#[test]
fn off_loopback_the_server_needs_a_token_on_every_route_and_the_websocket() {
    let data = data_folder();
    let refused = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(["serve", "--bind", "0.0.0.0:0"])
        .env("CALLSCOPE_DATA", data.path())
        .output()
        .expect("runs");
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("--token-file"), "{}", text(&refused.stderr));

    let secret = "s3cret-token-for-tests-0123456789";
    let token_file = data.path().join("token");
    std::fs::write(&token_file, format!("{secret}\n")).expect("token file");
    let server = Server::start(data.path(), &["--bind", "0.0.0.0:0", "--token-file", token_file.to_str().expect("path"), "--cors", "https://app.example"]);
    for path in ["/healthz", "/api/calls", "/api/domains", "/api/openapi.json", "/api/calls/1/audio"] {
        let (status, body) = get(&server, path);
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{path} without a token: {body}");
        let wrong = client().get(server.url(path)).bearer_auth("s3cret-token-for-tests-0123456788").send().expect("answered");
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path} with a wrong token");
    }
    let (content_type, body) = multipart(&[], Some(("file", "clip.wav", b"RIFF")));
    let upload = client().post(server.url("/api/transcribe/")).header("content-type", content_type).body(body).send().expect("answered");
    assert_eq!(upload.status(), StatusCode::UNAUTHORIZED);
    let ok = client().get(server.url("/api/calls")).bearer_auth(secret).send().expect("answered");
    assert_eq!(ok.status(), StatusCode::OK);

    let stream = TcpStream::connect(&server.addr).expect("connect");
    assert!(tungstenite::client(format!("ws://{}/ws", server.addr), stream).is_err(), "no WebSocket without the token");
    let stream = TcpStream::connect(&server.addr).expect("connect");
    assert!(tungstenite::client(format!("ws://{}/ws?token={secret}", server.addr), stream).is_ok(), "the WebSocket takes the token as ?token=");

    // A listed origin gets CORS headers, without a token for the browser's preflight.
    let preflight = client()
        .request(reqwest::Method::OPTIONS, server.url("/api/calls"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .expect("preflight");
    assert_eq!(preflight.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://app.example"));
}

#[test]
fn a_server_without_its_speech_model_is_not_ready_and_says_which_model_to_install() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("CALLSCOPE_DATA", data.path())
        .env("CALLSCOPE_MODELS", data.path().join("no-models"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("callscope serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let addr = lines.find_map(|l| l.ok()?.split("listening on http://").nth(1).map(str::to_string)).expect("the server starts");
    let server = Server { child, addr, stderr: Arc::new(Mutex::new(String::new())) };
    let deadline = Instant::now() + Duration::from_secs(60);
    let not_ready = loop {
        let (status, body) = get(&server, "/readyz");
        if body["model"]["detail"].is_string() {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
            break body;
        }
        assert!(Instant::now() < deadline, "{body}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!((not_ready["ready"].as_bool(), not_ready["library"]["ok"].as_bool()), (Some(false), Some(true)), "{not_ready}");
    assert!(not_ready["model"]["detail"].as_str().is_some_and(|d| d.contains("base")), "{not_ready}");
    let (status, refused) = json(upload(&server, "/api/transcribe/", "clip.wav", &read_fixture(CLIP), &[]));
    assert_eq!((status, refused["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("not_set_up")), "{refused}");
    assert!(refused["detail"].as_str().is_some_and(|d| d.contains("base")), "{refused}");
    assert_eq!(get(&server, "/api/calls").1["items"], serde_json::json!([]), "nothing stored");
}

#[test]
fn accepted_jobs_survive_a_restart_and_a_full_queue_says_when_to_come_back() {
    let data = data_folder();
    let mut server = Server::start(data.path(), &["--queue", "2"]);
    wait_until_ready(&server);
    let call = read_fixture(CALL);
    let mut accepted = Vec::new();
    for name in ["first.wav", "second.wav"] {
        let (status, job) = json(upload(&server, "/api/transcribe/?async=true", name, &call, &[]));
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        accepted.push(job["job_id"].as_str().expect("job_id").to_string());
    }
    // The call takes seconds to analyse, so both places are still taken.
    let full = upload(&server, "/api/transcribe/?async=true", "third.wav", &call, &[]);
    assert_eq!(full.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry_after: u64 = full.headers()["retry-after"].to_str().ok().and_then(|s| s.parse().ok()).expect("Retry-After in seconds");
    assert!(retry_after >= 1, "{retry_after}");
    assert_eq!(json(full).1["code"], "busy");

    let status = server.stop();
    assert!(status.success(), "a clean stop: {status:?}\n{}", server.log());
    assert!(server.log().contains("stopping"), "{}", server.log());

    // The next start runs what was accepted; nothing is lost or stored twice.
    let server = Server::start(data.path(), &["--queue", "2"]);
    for job_id in &accepted {
        let job = wait_for_job(&server, job_id);
        assert_eq!(job["status"], "done", "{job}\n{}", server.log());
    }
    let (_, page) = get(&server, "/api/calls");
    let mut names: Vec<&str> = page["items"].as_array().expect("items").iter().filter_map(|c| c["file_name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["first.wav", "second.wav"], "{page}");
}

#[test]
fn a_live_call_on_the_servers_devices_streams_captions_and_is_stored_when_it_stops() {
    let Some(pulse) = Pulse::start() else { return };
    let data = data_folder();
    let (agent, customer) = split_call("call_01", data.path());
    let server = Server::start_from(pulse.command(env!("CARGO_BIN_EXE_callscope")), data.path(), &[]);
    wait_until_ready(&server);
    let mut socket = websocket(&server, "");
    let devices = serde_json::json!({ "microphone": format!("pulseaudio:{AGENT_SINK}.monitor"), "system": format!("pulseaudio:{CUSTOMER_SINK}.monitor") }).to_string();
    let start = || client().post(server.url("/api/live")).header("content-type", "application/json").body(devices.clone()).send().expect("answered");
    let (status, started) = json(start());
    assert_eq!(status, StatusCode::CREATED, "{started}\n{}", server.log());
    let live_id = started["live_id"].as_str().expect("live_id").to_string();
    assert_eq!((started["microphone"].as_str(), started["system"].as_str()), (Some("Monitor of Agent-Headset"), Some("Monitor of Customer-Line")), "{started}");
    assert_eq!(start().status(), StatusCode::CONFLICT, "one call at a time");

    // Streams deliver their first buffer 1–2 s after they open.
    std::thread::sleep(Duration::from_millis(2500));
    socket.get_mut().set_read_timeout(Some(Duration::from_millis(500))).expect("timeout");
    let mut finals: Vec<(String, String)> = Vec::new();
    let mut partials = 0;
    // Reads one message for this call; the `stored` message once the call is stored.
    let mut read = |socket: &mut tungstenite::WebSocket<TcpStream>| -> Option<Value> {
        let Ok(tungstenite::Message::Text(text)) = socket.read() else { return None };
        let event: Value = serde_json::from_str(text.as_str()).expect("JSON message");
        match event["type"].as_str() {
            Some("partial") if event["live_id"] == live_id.as_str() => partials += 1,
            Some("final") if event["live_id"] == live_id.as_str() => {
                finals.push((event["speaker"].as_str().unwrap_or_default().to_string(), event["text"].as_str().unwrap_or_default().to_lowercase()));
            }
            Some("stored") if event["job_id"] == live_id.as_str() => return Some(event),
            _ => panic!("{event}"),
        }
        None
    };
    std::thread::scope(|scope| {
        let playing = scope.spawn(|| play_call(&pulse, &agent, &customer));
        while !playing.is_finished() {
            read(&mut socket);
        }
    });

    // Stopping settles the captions' last words (their finals come before `stored`), then
    // the recording is analysed and stored.
    let (status, call) = json(client().delete(server.url("/api/live")).send().expect("answered"));
    assert_eq!(status, StatusCode::OK, "{call}\n{}", server.log());
    assert!(call["filename"].as_str().is_some_and(|f| f.ends_with(".wav")) && call["transcription"].as_str().is_some_and(|t| !t.is_empty()), "{call}");
    socket.get_mut().set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let stored = loop {
        if let Some(stored) = read(&mut socket) {
            break stored;
        }
    };
    assert_eq!(stored["call_id"], call["call_id"]);
    // The fast caption model under load may mishear or skip a word: any of a side's key words will do.
    let said = |who: &str, words: &[&str]| finals.iter().any(|(speaker, text)| speaker == who && words.iter().any(|w| text.contains(w)));
    assert!(partials > 0, "partial captions came while the call went on");
    assert!(said("agent", &["riverside", "family health", "help"]) && said("customer", &["appointment", "physical", "patel"]), "final captions of both sides: {finals:?}");
    let (_, shown) = get(&server, &format!("/api/calls/{}", call["call_id"]));
    assert_eq!(shown["live"]["agent_device"], "Monitor of Agent-Headset", "{shown}");
    assert_eq!(client().delete(server.url("/api/live")).send().expect("answered").status(), StatusCode::NOT_FOUND);
}

/// Peak resident memory of process `pid` (VmHWM), in MB.
fn peak_memory_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0.0);
    kb / 1024.0
}

/// Load: 50 clients upload a short clip at once (tiny.en, offline analyzer). Each gets its
/// result, or a 503 with Retry-After and then its result when it tries again; every upload is
/// stored exactly once. Prints the throughput, p50/p95 time to result and the server's peak
/// memory.
#[test]
#[ignore = "load test (a few minutes): cargo test -p callscope-cli --test cli serve::fifty -- --ignored --nocapture"]
fn fifty_concurrent_uploads_are_each_answered_and_stored_once() {
    const CLIENTS: usize = 50;
    let data = data_folder();
    let server = Server::start(data.path(), &["--queue", "16"]);
    wait_until_ready(&server);
    let clip = Arc::new(read_fixture(CLIP));
    let url = server.url("/api/transcribe/");
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (clip, url) = (Arc::clone(&clip), url.clone());
            std::thread::spawn(move || {
                let name = format!("load-{n:02}.wav");
                let (content_type, body) = multipart(&[], Some(("file", &name, &clip)));
                let first_try = Instant::now();
                let mut refused = 0;
                loop {
                    let response = client().post(&url).header("content-type", &content_type).body(body.clone()).send().expect("answered");
                    match response.status() {
                        StatusCode::OK => {
                            let result: Value = serde_json::from_str(&response.text().expect("a body")).expect("JSON");
                            assert_eq!(result["filename"], name.as_str());
                            return (first_try.elapsed(), refused);
                        }
                        StatusCode::SERVICE_UNAVAILABLE => {
                            let wait: u64 = response.headers()["retry-after"].to_str().ok().and_then(|s| s.parse().ok()).expect("Retry-After");
                            refused += 1;
                            std::thread::sleep(Duration::from_secs(wait.min(5)));
                        }
                        other => panic!("{name}: {other} {}", response.text().unwrap_or_default()),
                    }
                }
            })
        })
        .collect();
    let mut times: Vec<Duration> = Vec::new();
    let mut refusals = 0;
    for client in clients {
        let (time, refused) = client.join().expect("a client");
        times.push(time);
        refusals += refused;
    }
    let elapsed = started.elapsed();
    times.sort();
    let (_, page) = get(&server, "/api/calls?limit=500");
    let mut names: Vec<String> = page["items"].as_array().expect("items").iter().filter_map(|c| c["file_name"].as_str().map(String::from)).collect();
    names.sort();
    names.dedup();
    assert_eq!((page["items"].as_array().map(Vec::len), names.len()), (Some(CLIENTS), CLIENTS), "each upload stored once");
    let peak_mb = peak_memory_mb(server.child.id());
    println!(
        "serve load: {CLIENTS} uploads in {:.1} s ({:.1} per minute); time to result p50 {:.1} s, p95 {:.1} s; {refusals} answers were 503 with Retry-After; server peak memory {peak_mb:.0} MB",
        elapsed.as_secs_f64(),
        CLIENTS as f64 / elapsed.as_secs_f64() * 60.0,
        times[CLIENTS / 2].as_secs_f64(),
        times[CLIENTS * 95 / 100].as_secs_f64(),
    );
}
