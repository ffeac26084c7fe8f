//! Gemini's audio mode against a loopback Gemini: stage 1 sends the recording itself
//! (`inline_data`, or the Files API's resumable upload for a large one; formats Gemini does
//! not take go as WAV), its tokens count as stage 1's, extraction still reads the local,
//! redacted transcript, and a failed stage 1 stores nothing. Text mode never sends audio.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use callscope::call::{CallAnalysis, TokenUsage};
use callscope::config::{GeminiMode, ProviderChoice, Settings};
use callscope::llm::gemini::GeminiProvider;
use callscope::llm::{ApiKey, AudioMode, Endpoint, LlmProvider, MAX_FILE_BYTES};
use callscope::pipeline::{self, analyze_and_store, block_on, AnalysisRequest, Job, JobPlan, PipelineError, ProviderPlan, TranscriberPlan};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::store::Store;
use callscope::stt::{CloudTranscriber, Speaker};
use serde_json::{json, Value};

use super::model::{asked, fast, gemini_response, payment_call, recorded_on, stored_calls, Asked, Wire, KEY, PII};
use super::server::{Received, Reply, Server};
use super::speech_server::transcribes;

/// What the scripted model hears in the recording (stage 1's answer).
fn heard_answer() -> String {
    json!({
        "transcription": "Thank you for calling Summit Mutual, payments line. I'd like to pay my premium.",
        "domain": "insurance",
        "category": "premium_payment",
        "confidence": 0.91
    })
    .to_string()
}

/// Stage 1's tokens: audio is billed by the second, so the input is large.
const HEARD_TOKENS: TokenUsage = TokenUsage { input: 4_120, output: 96 };

/// Whether `r` is stage 1 with the recording.
fn is_stage1(r: &Received) -> bool {
    r.body.contains("You listen to recorded customer-service phone calls")
}

/// A Gemini that hears stage 1 and reads the rest correctly.
fn gemini(r: &Received) -> Reply {
    if is_stage1(r) {
        Reply::ok(gemini_response(&heard_answer(), HEARD_TOKENS))
    } else {
        Wire::Gemini.correct(r)
    }
}

fn provider(server: &Server, mode: Option<AudioMode>) -> GeminiProvider {
    let endpoint = Endpoint { base_url: server.url(), model: "gemini-2.5-flash".into(), key: ApiKey::new(KEY) };
    let provider = GeminiProvider::new(endpoint, fast()).expect("gemini provider");
    match mode {
        Some(mode) => provider.with_audio(mode),
        None => provider,
    }
}

/// Analyse `payment_call` as recorded in `recording`, as `analyze_file` does after transcribing.
fn analyse_recording(provider: &dyn LlmProvider, store: &mut Store, recording: &Path) -> Result<CallAnalysis, PipelineError> {
    let transcript = payment_call();
    let file_name = recording.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let request = AnalysisRequest { file_name: &file_name, transcript: &transcript, keep_original_pii: false, transcriber: "script", recorded_on: recorded_on() };
    block_on(analyze_and_store(provider, store, &request, Some(recording), &ignore_progress, &CancelToken::new()))
}

/// A short stereo call written as 16-bit WAV: a tone on the agent's channel, another on the customer's.
fn wav_call(dir: &Path, seconds: f32) -> PathBuf {
    let path = dir.join("call.wav");
    let spec = hound::WavSpec { channels: 2, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::create(&path, spec).expect("create the WAV");
    for i in 0..(16_000.0 * seconds) as usize {
        let t = i as f32 / 16_000.0;
        writer.write_sample(((t * 440.0 * std::f32::consts::TAU).sin() * 8_000.0) as i16).expect("sample");
        writer.write_sample(((t * 660.0 * std::f32::consts::TAU).sin() * 8_000.0) as i16).expect("sample");
    }
    writer.finalize().expect("finish the WAV");
    path
}

fn fixture(name: &str) -> PathBuf {
    std::env::var_os("CALLSCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/generated"))
        .join(name)
}

/// The key only in `x-goog-api-key`, never in the URL or the body.
fn assert_key_only_in_its_header(r: &Received) {
    assert_eq!(r.header("x-goog-api-key"), Some(KEY), "{}: {:?}", r.uri, r.headers);
    assert!(!r.uri.contains(KEY), "the key is in the URL: {}", r.uri);
    assert!(!r.body.contains(KEY), "the key is in the body");
    assert_eq!(r.header("authorization"), None);
}

/// The stage-1 request's audio part, `inline_data` or `file_data`.
fn audio_part(r: &Received) -> Value {
    let parts = r.json()["contents"][0]["parts"].as_array().cloned().unwrap_or_default();
    parts.into_iter().find(|p| p.get("inline_data").is_some() || p.get("file_data").is_some()).unwrap_or(Value::Null)
}

fn inline_audio(r: &Received) -> (String, Vec<u8>) {
    let part = audio_part(r);
    let mime = part["inline_data"]["mime_type"].as_str().unwrap_or_default().to_string();
    let data = part["inline_data"]["data"].as_str().unwrap_or_default();
    (mime, base64::engine::general_purpose::STANDARD.decode(data).expect("base64 audio"))
}

#[test]
fn a_wav_call_goes_to_gemini_inline_once_and_its_tokens_count_as_stage_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 1.0);
    let server = Server::start(|r, _| gemini(r));
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse_recording(&provider(&server, Some(AudioMode::default())), &mut store, &recording).expect("analysis succeeds");

    let received = server.received();
    let with_audio: Vec<&Received> = received.iter().filter(|r| !audio_part(r).is_null()).collect();
    assert_eq!(with_audio.len(), 1, "exactly one request carries the audio");
    let stage1 = with_audio[0];
    assert!(is_stage1(stage1));
    assert_eq!(stage1.uri, "/v1beta/models/gemini-2.5-flash:generateContent");
    let (mime, bytes) = inline_audio(stage1);
    assert_eq!(mime, "audio/wav");
    assert_eq!(bytes, std::fs::read(&recording).expect("the recording"), "the file's own bytes are sent");
    let schema = &stage1.json()["generationConfig"]["responseSchema"];
    for key in ["transcription", "domain", "category", "confidence"] {
        assert!(schema["properties"].get(key).is_some(), "{key} is not asked for: {schema}");
    }
    for r in &received {
        assert_key_only_in_its_header(r);
    }
    // Stage 1 replaces text detection; stage 2 reads the local, redacted transcript.
    let stages: Vec<Asked> = received.iter().filter(|r| !is_stage1(r)).map(asked).collect();
    assert_eq!(stages, [Asked::Prompt, Asked::Analysis]);
    for r in received.iter().filter(|r| !is_stage1(r)) {
        assert!(r.body.contains("Summit Mutual") && r.body.contains("[CARD_1]"), "stage 2 reads the local transcript");
        for pii in PII {
            assert!(!r.body.contains(pii), "{pii:?} was sent to the provider");
        }
    }

    let stored = store.call(call.call_id).expect("read").expect("stored");
    let usage = &stored.token_usage;
    assert_eq!((usage.stage1_transcription_and_detection.input, usage.stage1_transcription_and_detection.output), (4_120, 96));
    assert_eq!((usage.stage2_combined_analysis.input, usage.stage2_combined_analysis.output), (1010, 330));
    assert_eq!((stored.domain.as_str(), stored.category.as_str()), ("insurance", "premium_payment"));
    assert!((stored.domain_confidence - 0.91).abs() < 1e-6);
    assert_eq!((stored.provider.as_str(), stored.model.as_str()), ("gemini", "gemini-2.5-flash"));
    assert_eq!(stored.transcription.segments.len(), payment_call().segments.len(), "the local transcript is stored, not Gemini's");
    assert!(stored.transcription.text.contains("Thank you for calling Summit Mutual, payments line, this is Luis"));
    assert!(!stored.transcription.text.contains("gmail"), "the stored transcript is redacted");
}

#[test]
fn an_m4a_call_is_converted_and_sent_as_16_khz_mono_wav() {
    let recording = fixture("calls/call_01.m4a");
    let server = Server::start(|r, _| gemini(r));
    let mut store = Store::open_in_memory().expect("library");
    analyse_recording(&provider(&server, Some(AudioMode::default())), &mut store, &recording).expect("analysis succeeds");

    let received = server.received();
    let stage1 = received.iter().find(|r| is_stage1(r)).expect("stage 1 was asked");
    let (mime, bytes) = inline_audio(stage1);
    assert_eq!(mime, "audio/wav");
    let wav = hound::WavReader::new(Cursor::new(bytes)).expect("a WAV file");
    let spec = wav.spec();
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (1, 16_000, 16));
    let seconds = wav.duration() as f64 / 16_000.0;
    assert!(seconds > 10.0, "the whole call is sent: {seconds:.1} s");
}

#[test]
fn formats_gemini_takes_are_sent_as_they_are() {
    let server = Server::start(|r, _| gemini(r));
    for (name, mime) in [("calls/call_01.mp3", "audio/mp3"), ("calls/call_01.flac", "audio/flac"), ("calls/call_01.ogg", "audio/ogg")] {
        let recording = fixture(name);
        let mut store = Store::open_in_memory().expect("library");
        analyse_recording(&provider(&server, Some(AudioMode::default())), &mut store, &recording).expect("analysis succeeds");
        let received = server.received();
        let stage1 = received.iter().rev().find(|r| is_stage1(r)).expect("stage 1 was asked");
        let (sent_mime, bytes) = inline_audio(stage1);
        assert_eq!(sent_mime, mime, "{name}");
        assert_eq!(bytes, std::fs::read(&recording).expect("the recording"), "{name} is sent unchanged");
    }
}

#[test]
fn a_recording_over_the_inline_limit_is_uploaded_through_the_files_api_first_and_deleted_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 0.5);
    let size = std::fs::metadata(&recording).expect("size").len();
    let file_uri = "https://generativelanguage.googleapis.com/v1beta/files/e7k2q9x1m4ab";
    let file = move |state: &str| {
        json!({
            "name": "files/e7k2q9x1m4ab", "displayName": "callscope call recording", "mimeType": "audio/wav",
            "sizeBytes": size.to_string(), "uri": file_uri, "state": state, "source": "UPLOADED"
        })
    };
    let server = Server::start(move |r, _| {
        if r.uri.starts_with("/upload/v1beta/files") && r.header("x-goog-upload-command") == Some("start") {
            let host = r.header("host").unwrap_or_default();
            let at = format!("http://{host}/upload/v1beta/files?upload_id=ABpPx7c0&upload_protocol=resumable");
            return Reply::Answer { status: 200, headers: vec![("x-goog-upload-url", at), ("x-goog-upload-status", "active".into())], body: String::new() };
        }
        if r.uri.contains("upload_id=ABpPx7c0") {
            // Google may still be processing the file when the upload ends.
            return Reply::ok(json!({ "file": file("PROCESSING") }));
        }
        match (r.method.as_str(), r.uri.as_str()) {
            ("GET", "/v1beta/files/e7k2q9x1m4ab") => Reply::ok(file("ACTIVE")),
            ("DELETE", "/v1beta/files/e7k2q9x1m4ab") => Reply::ok(json!({})),
            _ => gemini(r),
        }
    });
    let mode = AudioMode { inline_limit_bytes: 4_096, max_file_bytes: MAX_FILE_BYTES, poll_interval: Duration::from_millis(10) };
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse_recording(&provider(&server, Some(mode)), &mut store, &recording).expect("analysis succeeds");

    let received = server.received();
    let steps: Vec<(&str, &str)> = received.iter().take(5).map(|r| (r.method.as_str(), r.uri.split('?').next().unwrap_or_default())).collect();
    assert_eq!(
        steps,
        [
            ("POST", "/upload/v1beta/files"),
            ("POST", "/upload/v1beta/files"),
            ("GET", "/v1beta/files/e7k2q9x1m4ab"),
            ("POST", "/v1beta/models/gemini-2.5-flash:generateContent"),
            ("DELETE", "/v1beta/files/e7k2q9x1m4ab"),
        ]
    );
    let (start, upload, stage1) = (&received[0], &received[1], &received[3]);
    assert_key_only_in_its_header(start);
    assert_eq!(start.header("x-goog-upload-protocol"), Some("resumable"));
    assert_eq!(start.header("x-goog-upload-command"), Some("start"));
    assert_eq!(start.header("x-goog-upload-header-content-length"), Some(size.to_string().as_str()));
    assert_eq!(start.header("x-goog-upload-header-content-type"), Some("audio/wav"));
    assert_eq!(start.header("content-type"), Some("application/json"));
    assert!(start.json()["file"]["display_name"].is_string(), "{}", start.body);
    assert!(!start.body.contains("call.wav"), "the file's own name stays here: {}", start.body);

    assert!(upload.uri.starts_with("/upload/v1beta/files?upload_id=ABpPx7c0"), "{}", upload.uri);
    assert_eq!(upload.header("x-goog-upload-command"), Some("upload, finalize"));
    assert_eq!(upload.header("x-goog-upload-offset"), Some("0"));
    assert_eq!(upload.header("content-length"), Some(size.to_string().as_str()));
    assert_eq!(upload.raw, std::fs::read(&recording).expect("the recording"), "the file's bytes are uploaded");

    assert!(is_stage1(stage1));
    assert_eq!(audio_part(stage1), json!({"file_data": {"mime_type": "audio/wav", "file_uri": file_uri}}));
    assert!(!received.iter().any(|r| r.body.contains("inline_data")), "nothing goes inline");
    for r in &received {
        assert_key_only_in_its_header(r);
    }
    let stored = store.call(call.call_id).expect("read").expect("stored");
    assert_eq!(stored.token_usage.stage1_transcription_and_detection.input, HEARD_TOKENS.input);
}

#[test]
fn a_server_error_on_stage_one_fails_the_file_after_retries_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 0.5);
    let server = Server::start(|r, _| if is_stage1(r) { Reply::status(500, json!({"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}})) } else { gemini(r) });
    let mut store = Store::open_in_memory().expect("library");
    let err = analyse_recording(&provider(&server, Some(AudioMode::default())), &mut store, &recording).expect_err("stage 1 fails");

    let message = err.to_string();
    assert!(matches!(err, PipelineError::Provider { .. }), "{err:?}");
    for part in ["call.wav", "Gemini", "stage 1", "500"] {
        assert!(message.contains(part), "{part:?} is not in: {message}");
    }
    let received = server.received();
    assert_eq!(received.len(), fast().attempts as usize, "stage 1 is retried, and nothing else is asked");
    assert!(received.iter().all(is_stage1));
    assert_eq!(stored_calls(&store), 0, "nothing is stored");
}

#[test]
fn a_recording_too_large_even_for_the_files_api_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 0.5);
    let server = Server::start(|r, _| gemini(r));
    let mode = AudioMode { inline_limit_bytes: 1_024, max_file_bytes: 2_048, ..AudioMode::default() };
    let mut store = Store::open_in_memory().expect("library");
    let err = analyse_recording(&provider(&server, Some(mode)), &mut store, &recording).expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("call.wav") && message.contains("at most 2048 bytes") && message.contains("gemini_mode to text"), "{message}");
    assert!(server.received().is_empty(), "nothing was sent");
    assert_eq!(stored_calls(&store), 0);
}

#[test]
fn in_text_mode_no_audio_leaves_even_when_the_recording_is_at_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 0.5);
    let server = Server::start(|r, _| gemini(r));
    let mut store = Store::open_in_memory().expect("library");
    analyse_recording(&provider(&server, None), &mut store, &recording).expect("analysis succeeds");
    let received = server.received();
    assert!(received.iter().all(|r| audio_part(r).is_null() && !is_stage1(r)), "no audio was sent");
    assert_eq!(received.iter().map(asked).collect::<Vec<_>>(), [Asked::NewPair], "text mode's one request");
}

#[test]
fn the_gemini_mode_setting_chooses_audio_and_says_that_audio_is_uploaded() {
    let text = Settings { provider: ProviderChoice::Gemini, ..Settings::default() };
    assert_eq!(text.gemini_mode, GeminiMode::Text, "text is the default");
    assert!(!ProviderPlan::from_settings(&text).uploads_audio());
    let audio = Settings { gemini_mode: GeminiMode::Audio, ..text };
    let plan = ProviderPlan::from_settings(&audio);
    assert_eq!(plan, ProviderPlan::Gemini { model: "gemini-2.5-flash".into(), mode: GeminiMode::Audio });
    assert!(plan.uploads_audio());
    let offline = Settings { provider: ProviderChoice::Offline, gemini_mode: GeminiMode::Audio, ..Settings::default() };
    assert!(!ProviderPlan::from_settings(&offline).uploads_audio(), "the mode matters only with Gemini");
}

#[test]
fn an_answer_that_breaks_the_schema_twice_fails_the_file_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 0.5);
    let server = Server::start(|r, _| if is_stage1(r) { Reply::ok(gemini_response("{\"domain\": \"insurance\"", HEARD_TOKENS)) } else { gemini(r) });
    let mut store = Store::open_in_memory().expect("library");
    let err = analyse_recording(&provider(&server, Some(AudioMode::default())), &mut store, &recording).expect_err("stage 1 fails");
    let message = err.to_string();
    assert!(message.contains("call.wav") && message.contains("stage 1") && message.contains("also when asked again"), "{message}");
    let received = server.received();
    assert_eq!(received.len(), 2, "one repair, then no more");
    assert!(received.iter().all(|r| is_stage1(r) && !audio_part(r).is_null()), "the repair hears the audio again");
    assert_eq!(stored_calls(&store), 0);
}

#[test]
fn analysing_a_stored_call_again_reads_its_transcript_and_sends_no_audio() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recording = wav_call(dir.path(), 0.5);
    let server = Server::start(|r, _| gemini(r));
    let gemini_audio = provider(&server, Some(AudioMode::default()));
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse_recording(&gemini_audio, &mut store, &recording).expect("analysis succeeds");
    let before = server.received().len();
    block_on(pipeline::reanalyze(&gemini_audio, &mut store, call.call_id, false, &ignore_progress, &CancelToken::new())).expect("analysed again");
    let again = &server.received()[before..];
    assert!(!again.is_empty());
    assert!(again.iter().all(|r| audio_part(r).is_null() && !is_stage1(r)), "re-analysis sends no audio");
    // The pair's prompt is saved now, so text mode asks detection and extraction in one request.
    assert_eq!(again.iter().map(asked).collect::<Vec<_>>(), [Asked::Combined], "stage 1 reads the stored transcript");
    assert!(again[0].body.contains("Summit Mutual"), "{}", again[0].body);
}

/// The whole job for one file, as the CLI and the desktop queue run it: channels transcribed
/// (here by a loopback speech server), stage 1 hears the m4a as WAV, speakers come from the
/// channels, and the stored call names Gemini and the transcriber.
#[test]
fn a_job_in_audio_mode_analyses_a_real_m4a_file_end_to_end() {
    let server = Server::start(|r, _| if r.uri.contains("/audio/transcriptions") { transcribes(r) } else { gemini(r) });
    let speech = Endpoint { base_url: format!("{}/v1/", server.url()), model: "whisper-1".into(), key: ApiKey::new(KEY) };
    let transcriber = Arc::new(CloudTranscriber::new(speech, fast()).expect("transcriber"));
    let plan = JobPlan {
        model: "whisper-1".into(),
        transcriber: TranscriberPlan::Local { model_path: "/nonexistent/ggml-base-q8_0.bin".into() },
        vad_model: None,
        swap_channels: false,
        language: "en".into(),
        provider: ProviderPlan::Gemini { model: "gemini-2.5-flash".into(), mode: GeminiMode::Audio },
        keep_original_pii: false,
    };
    let job = Job::with_parts(plan, transcriber, Arc::new(provider(&server, Some(AudioMode::default()))));
    let mut store = Store::open_in_memory().expect("library");
    let path = fixture("calls/call_01.m4a");
    let call = block_on(pipeline::analyze_file(&path, &job, &mut store, Arc::new(|_| {}), &CancelToken::new())).expect("analysed");

    let received = server.received();
    let stage1: Vec<&Received> = received.iter().filter(|r| is_stage1(r)).collect();
    assert_eq!(stage1.len(), 1);
    assert_eq!(inline_audio(stage1[0]).0, "audio/wav");
    let stored = store.call(call.call_id).expect("read").expect("stored");
    assert_eq!((stored.file_name.as_str(), stored.provider.as_str(), stored.transcriber.as_str()), ("call_01.m4a", "gemini", "openai whisper-1"));
    assert_eq!(stored.token_usage.stage1_transcription_and_detection.input, HEARD_TOKENS.input);
    let speakers: std::collections::HashSet<Speaker> = stored.transcription.segments.iter().map(|s| s.speaker).collect();
    assert_eq!(speakers, std::collections::HashSet::from([Speaker::Agent, Speaker::Customer]), "speakers come from the local channels");
}
