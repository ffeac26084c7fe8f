//! What the server refuses, and how: bad uploads, missing tokens, no model, a full queue; and
//! accepted jobs surviving a restart.

use super::*;

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
