//! A live call on the server's own devices, and fifty uploads at once.

use super::*;

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
