//! The original route's answer and the library API over a stored call.

use super::*;

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
