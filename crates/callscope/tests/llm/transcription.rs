//! Cloud transcription against a loopback `audio/transcriptions` server: what is uploaded
//! (endpoint, key header, multipart fields, one WAV per channel), speakers from channels,
//! uploads over the size limit split at silences with times mapped back, the `json` fallback,
//! failures with clear errors, cancelling, and the job builder choosing it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callscope::audio::AudioClip;
use callscope::config::{Settings, TranscriptionChoice};
use callscope::llm::{ApiKey, Endpoint, HttpOptions};
use callscope::models::ModelStore;
use callscope::pipeline::{self, Job, JobPlan, PipelineError, TranscriberPlan};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::secrets::SecretKind;
use callscope::store::Store;
use callscope::stt::{CloudTranscriber, Segment, Speaker, SttError, TranscribeOptions, Transcriber, Transcript, MAX_UPLOAD_BYTES};
use serde_json::json;

use super::jobs::{in_child, keyring_with, CHILD};
use super::model::KEY;
use super::server::{Reply, Server};
use super::speech_server::{one_segment_with_words, read_upload, said, transcribes, verbose_json};

const RATE: usize = 16_000;

/// A clip of `seconds` with `channels` channels, silent but for tone bursts
/// `(channel, start_ms, length_ms)`.
fn clip(channels: usize, seconds: usize, bursts: &[(usize, u64, u64)]) -> AudioClip {
    let mut out = vec![vec![0.0f32; RATE * seconds]; channels];
    for &(channel, start_ms, length_ms) in bursts {
        let at = |ms: u64| ms as usize * RATE / 1000;
        let (from, to) = (at(start_ms), at(start_ms + length_ms));
        for (i, sample) in out[channel][from..to].iter_mut().enumerate() {
            *sample = ((from + i) as f32 * 440.0 * std::f32::consts::TAU / RATE as f32).sin() * 0.3;
        }
    }
    AudioClip { sample_rate_hz: RATE as u32, channels: out }
}

fn quick() -> HttpOptions {
    HttpOptions { timeout: Duration::from_secs(5), attempts: 3, backoff_base: Duration::from_millis(10), max_wait: Duration::from_millis(50) }
}

fn cloud(server: &Server, key: &str, model: &str) -> CloudTranscriber {
    let endpoint = Endpoint { base_url: format!("{}/v1/", server.url()), model: model.into(), key: ApiKey::new(key) };
    CloudTranscriber::new(endpoint, quick()).expect("transcriber")
}

fn run(transcriber: &CloudTranscriber, clip: &AudioClip, options: &TranscribeOptions) -> Result<Transcript, SttError> {
    transcriber.transcribe(clip, options, &ignore_progress, &CancelToken::new())
}

/// Each segment as (speaker, text, start_ms), start rounded to 10 ms so a frame's jitter does
/// not matter.
fn heard(t: &Transcript) -> Vec<(Speaker, String, u64)> {
    t.segments.iter().map(|s: &Segment| (s.speaker, s.text.clone(), (s.start_ms + 5) / 10 * 10)).collect()
}

fn said_at(speaker: Speaker, length_ms: u64, start_ms: u64) -> (Speaker, String, u64) {
    (speaker, format!("{}.", said(length_ms)), start_ms)
}

/// Agent (left) at 0.5 s and 6 s, customer (right) at 2 s and 8 s.
fn stereo_call() -> AudioClip {
    clip(2, 10, &[(0, 500, 1000), (1, 2000, 2000), (0, 6000, 600), (1, 8000, 800)])
}

#[test]
fn each_channel_is_uploaded_alone_as_wav_and_its_segments_carry_its_speaker() {
    let server = Server::start(|r, _| transcribes(r));
    let transcriber = cloud(&server, KEY, "whisper-1");
    assert_eq!(transcriber.name(), "openai whisper-1");
    let transcript = run(&transcriber, &stereo_call(), &TranscribeOptions::default()).expect("transcribed");

    let received = server.received();
    assert_eq!(received.len(), 2, "one request per channel");
    for r in &received {
        assert_eq!(r.uri, "/v1/audio/transcriptions");
        assert_eq!(r.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
        assert!(r.header("content-type").is_some_and(|c| c.starts_with("multipart/form-data; boundary=")));
        assert!(!r.body.contains(KEY), "the key is in the header and nowhere else");
        let upload = read_upload(r);
        assert_eq!(upload.field("model"), Some("whisper-1"));
        assert_eq!(upload.field("response_format"), Some("verbose_json"));
        assert_eq!(upload.field("language"), Some("en"));
        assert_eq!((upload.channels, upload.sample_rate_hz, upload.file_type.as_str()), (1, 16_000, "audio/wav"));
        assert!(upload.file_name.ends_with(".wav"));
        assert!(upload.duration_ms() < 4_000, "only speech is uploaded, not the 10 s of the call: {} ms", upload.duration_ms());
    }
    assert_eq!(
        heard(&transcript),
        [
            said_at(Speaker::Agent, 1000, 500),
            said_at(Speaker::Customer, 2000, 2000),
            said_at(Speaker::Agent, 600, 6000),
            said_at(Speaker::Customer, 800, 8000),
        ]
    );
    assert_eq!(transcript.duration_ms, 10_000);
    let first = &transcript.segments[0];
    assert!((first.end_ms as i64 - 1500).abs() <= 20, "ends where the burst ends: {}", first.end_ms);
    assert!((first.confidence - 0.751).abs() < 0.01, "confidence from avg_logprob: {}", first.confidence);
}

#[test]
fn a_segment_over_two_turns_of_a_speaker_is_split_at_its_words() {
    let server = Server::start(|r, _| Reply::ok(one_segment_with_words(&read_upload(r))));
    let transcript = run(&cloud(&server, KEY, "whisper-1"), &stereo_call(), &TranscribeOptions::default()).expect("transcribed");
    for r in server.received() {
        let upload = read_upload(&r);
        let granularities: Vec<&str> = upload.fields.iter().filter(|(n, _)| n == "timestamp_granularities[]").map(|(_, v)| v.as_str()).collect();
        assert_eq!(granularities, ["segment", "word"]);
    }
    assert_eq!(
        heard(&transcript),
        [
            said_at(Speaker::Agent, 1000, 500),
            said_at(Speaker::Customer, 2000, 2000),
            said_at(Speaker::Agent, 600, 6000),
            said_at(Speaker::Customer, 800, 8000),
        ],
        "the agent's turns do not swallow the customer's"
    );
    assert!((transcript.segments[0].end_ms as i64 - 1500).abs() <= 20, "ends with its last word: {}", transcript.segments[0].end_ms);
}

#[test]
fn swapped_channels_swap_the_speakers_and_mono_has_no_speaker() {
    let server = Server::start(|r, _| transcribes(r));
    let transcriber = cloud(&server, KEY, "whisper-1");
    let swapped = TranscribeOptions { swap_channels: true, ..TranscribeOptions::default() };
    let transcript = run(&transcriber, &stereo_call(), &swapped).expect("transcribed");
    let speakers: Vec<Speaker> = transcript.segments.iter().map(|s| s.speaker).collect();
    assert_eq!(speakers, [Speaker::Customer, Speaker::Agent, Speaker::Customer, Speaker::Agent]);

    let mono = clip(1, 5, &[(0, 1000, 700), (0, 3000, 900)]);
    let transcript = run(&transcriber, &mono, &TranscribeOptions { language: "auto".into(), ..TranscribeOptions::default() }).expect("mono");
    assert_eq!(heard(&transcript), [said_at(Speaker::Unknown, 700, 1000), said_at(Speaker::Unknown, 900, 3000)]);
    let last = server.received().pop().expect("a request");
    assert_eq!(read_upload(&last).field("language"), None, "auto-detect sends no language");
}

#[test]
fn a_local_server_without_a_key_gets_no_authorization_header() {
    let server = Server::start(|r, _| transcribes(r));
    run(&cloud(&server, "", "whisper-1"), &stereo_call(), &TranscribeOptions::default()).expect("transcribed");
    assert!(server.received().iter().all(|r| r.header("authorization").is_none()));
}

/// Turns of 0.2–0.4 s words 0.5 s apart (each turn one speech region, as people talk).
fn long_talk() -> (AudioClip, Vec<(u64, u64)>) {
    let mut words = Vec::new();
    for turn in 0..4u64 {
        let start = 1_000 + turn * 9_000;
        for w in 0..(8 + turn) {
            let length = 200 + (w % 3) * 100;
            words.push((start + w * 500, length));
        }
    }
    let bursts: Vec<(usize, u64, u64)> = words.iter().map(|&(s, l)| (0, s, l)).collect();
    (clip(1, 40, &bursts), words)
}

#[test]
fn uploads_over_the_limit_are_split_in_silences_and_times_are_mapped_back() {
    let server = Server::start(|r, _| transcribes(r));
    let limit = 64_000; // two seconds of 16 kHz 16-bit audio
    let transcriber = cloud(&server, KEY, "whisper-1").with_max_upload_bytes(limit);
    let (call, words) = long_talk();
    let transcript = run(&transcriber, &call, &TranscribeOptions::default()).expect("transcribed");

    let received = server.received();
    assert!(received.len() >= 8, "the talk went in several uploads: {}", received.len());
    for r in &received {
        let upload = read_upload(r);
        assert!(upload.samples.len() * 2 + 44 <= limit, "an upload of {} samples is over the limit", upload.samples.len());
        let end = upload.duration_ms();
        assert!(upload.rms(0, 5) < 0.01 && upload.rms(end - 5, end) < 0.01, "an upload starts or ends inside a word");
    }
    let expected: Vec<_> = words.iter().map(|&(start, length)| said_at(Speaker::Unknown, length, start)).collect();
    assert_eq!(heard(&transcript), expected, "every word whole, at its time in the call");
}

#[test]
fn a_channel_over_25_mb_goes_in_several_uploads_each_within_the_limit() {
    let server = Server::start(|r, _| transcribes(r));
    // 14 minutes of steady talk: 2 s words with 0.5 s pauses, 27 MB as one WAV.
    let words: Vec<(u64, u64)> = (0..336u64).map(|i| (i * 2_500, 2_000)).collect();
    let bursts: Vec<(usize, u64, u64)> = words.iter().map(|&(s, l)| (0, s, l)).collect();
    let call = clip(1, 14 * 60, &bursts);
    let transcript = run(&cloud(&server, KEY, "whisper-1"), &call, &TranscribeOptions::default()).expect("transcribed");

    let received = server.received();
    assert_eq!(received.len(), 2);
    let sizes: Vec<usize> = received.iter().map(|r| r.raw.len()).collect();
    assert!(sizes.iter().all(|&size| size <= 25_000_000), "an upload is over OpenAI's 25 MB: {sizes:?}");
    assert!(sizes[0] > MAX_UPLOAD_BYTES - 3_000_000, "the first upload is filled before the next starts: {sizes:?}");
    let expected: Vec<_> = words.iter().map(|&(start, length)| said_at(Speaker::Unknown, length, start)).collect();
    assert_eq!(heard(&transcript), expected);
}

#[test]
fn a_server_that_refuses_verbose_json_is_asked_for_json_one_region_at_a_time() {
    let server = Server::start(|r, _| {
        let upload = read_upload(r);
        if upload.field("response_format") == Some("verbose_json") {
            return Reply::status(400, json!({"error": {"message": "response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe'. Use 'json' or 'text' instead.", "type": "invalid_request_error", "param": "response_format", "code": "unsupported_value"}}));
        }
        let text = verbose_json(&upload)["text"].clone();
        Reply::ok(json!({"text": text, "usage": {"type": "tokens", "input_tokens": 14, "output_tokens": 45, "total_tokens": 59}}))
    });
    let transcriber = cloud(&server, KEY, "gpt-4o-transcribe");
    let transcript = run(&transcriber, &stereo_call(), &TranscribeOptions::default()).expect("transcribed");
    let texts: Vec<(Speaker, String)> = transcript.segments.iter().map(|s| (s.speaker, s.text.clone())).collect();
    assert_eq!(texts[0], (Speaker::Agent, format!("{}.", said(1000))));
    assert_eq!(texts.len(), 4, "one segment per speech region: {texts:?}");
    assert!((transcript.segments[2].start_ms as i64 - 6000).abs() <= 200, "a region's text is placed at the region");
    let formats: Vec<String> = server.received().iter().map(|r| read_upload(r).field("response_format").unwrap_or_default().to_string()).collect();
    assert_eq!(formats, ["verbose_json", "json", "json", "json", "json"]);

    run(&transcriber, &stereo_call(), &TranscribeOptions::default()).expect("again");
    assert_eq!(server.received().len(), 9, "the refusal is remembered: no second verbose_json request");
}

fn error_of(handler: impl Fn(&super::server::Received, usize) -> Reply + Send + Sync + 'static, http: HttpOptions) -> (SttError, String, usize) {
    let server = Server::start(handler);
    let endpoint = Endpoint { base_url: format!("{}/v1", server.url()), model: "whisper-1".into(), key: ApiKey::new(KEY) };
    let transcriber = CloudTranscriber::new(endpoint, http).expect("transcriber");
    let err = run(&transcriber, &stereo_call(), &TranscribeOptions::default()).expect_err("fails");
    let message = err.to_string();
    assert!(!message.contains(KEY), "the key is never in a message: {message}");
    (err, message, server.received().len())
}

#[test]
fn a_rejected_key_says_how_to_enter_a_valid_one() {
    let (err, message, requests) = error_of(|_, _| Reply::status(401, json!({"error": {"message": format!("Incorrect API key provided: {KEY}."), "type": "invalid_request_error", "code": "invalid_api_key"}})), quick());
    assert!(matches!(err, SttError::CloudUnauthorized { .. }), "{err:?}");
    assert!(message.contains("rejected the API key") && message.contains("callscope keys set openai"), "{message}");
    assert_eq!(requests, 1, "a rejected key is not retried");
}

#[test]
fn a_server_error_is_retried_and_then_the_transcript_arrives() {
    let server = Server::start(|r, n| if n == 0 { Reply::status(500, json!({"error": {"message": "The server had an error"}})) } else { transcribes(r) });
    let transcript = run(&cloud(&server, KEY, "whisper-1"), &stereo_call(), &TranscribeOptions::default()).expect("transcribed after a retry");
    assert_eq!(transcript.segments.len(), 4);
    assert_eq!(server.received().len(), 3);
}

#[test]
fn a_server_that_stays_down_or_silent_ends_with_a_clear_error() {
    let (err, message, requests) = error_of(|_, _| Reply::status(503, json!({"error": {"message": "overloaded"}})), quick());
    assert!(matches!(err, SttError::CloudUnreachable { .. }), "{err:?}");
    assert!(message.contains("127.0.0.1") && message.contains("503") && message.contains("transcription to local"), "{message}");
    assert_eq!(requests, 3, "every attempt was made");

    let slow = HttpOptions { timeout: Duration::from_millis(300), attempts: 2, ..quick() };
    let (err, message, _) = error_of(|r, _| Reply::After(Duration::from_secs(3), Box::new(transcribes(r))), slow);
    assert!(matches!(err, SttError::CloudUnreachable { .. }), "{err:?}");
    assert!(message.contains("no answer within 0.3 s"), "{message}");
}

#[test]
fn a_malformed_answer_a_too_large_upload_or_a_missing_endpoint_is_named() {
    let (err, message, _) = error_of(|_, _| Reply::Answer { status: 200, headers: Vec::new(), body: r#"{"text": "The beach was", "segm"#.into() }, quick());
    assert!(matches!(err, SttError::CloudBadAnswer { .. }), "{err:?}");
    assert!(message.contains("could not read") && message.contains("audio/transcriptions"), "{message}");

    let (err, message, _) = error_of(|_, _| Reply::status(413, json!({"error": {"message": "Maximum content size limit (26214400) exceeded"}})), quick());
    assert!(matches!(err, SttError::CloudRefused { .. }), "{err:?}");
    assert!(message.contains("413") && message.contains("too large"), "{message}");

    let (err, message, _) = error_of(|_, _| Reply::status(404, json!({"error": "404 page not found"})), quick());
    assert!(matches!(err, SttError::CloudRefused { .. }), "{err:?}");
    assert!(message.contains("/v1/audio/transcriptions (HTTP 404)") && message.contains("openai_base_url"), "{message}");
}

#[test]
fn cancelling_stops_the_request_in_flight() {
    let server = Server::start(|r, _| Reply::After(Duration::from_secs(10), Box::new(transcribes(r))));
    let transcriber = cloud(&server, KEY, "whisper-1");
    let cancel = CancelToken::new();
    let canceller = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        canceller.cancel();
    });
    let started = Instant::now();
    let err = transcriber.transcribe(&stereo_call(), &TranscribeOptions::default(), &ignore_progress, &cancel).expect_err("cancelled");
    assert!(matches!(err, SttError::Cancelled), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert_eq!(server.received().len(), 1, "no request after cancelling");
}

fn fixture(name: &str) -> PathBuf {
    std::env::var_os("CALLSCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/generated"))
        .join(name)
}

#[test]
fn a_cloud_transcriber_needs_no_speech_model_but_its_key_before_any_file() {
    in_child("transcription::child_cloud_job_without_a_key", &[]);
}

#[test]
#[ignore = "run by a_cloud_transcriber_needs_no_speech_model_but_its_key_before_any_file"]
fn child_cloud_job_without_a_key() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let no_models = tempfile::tempdir().expect("temp dir");
    let no_models = ModelStore::at(no_models.path());
    let local = JobPlan::from_settings(&Settings::default(), &no_models).expect_err("local Whisper needs its model");
    assert_eq!(local.missing_model(), Some("base"));

    let settings = Settings { transcription: TranscriptionChoice::Openai, ..Settings::default() };
    let plan = JobPlan::from_settings(&settings, &no_models).expect("no speech model is needed");
    let expected = TranscriberPlan::OpenAiCompatible { base_url: "https://api.openai.com/v1".into(), model: "whisper-1".into() };
    assert_eq!(plan.transcriber, expected);
    assert!(plan.transcriber.uploads_audio());
    let err = Job::build(plan, &keyring_with(&[])).expect_err("no key");
    assert!(matches!(err, PipelineError::MissingApiKey { .. }), "{err:?}");
    let message = err.to_string();
    for part in ["OpenAI-compatible transcriber", "transcribe calls", "callscope keys set openai", "OPENAI_API_KEY", "set transcription to local", "No file was analysed"] {
        assert!(message.contains(part), "{message}");
    }
}

#[test]
fn a_job_set_to_cloud_transcription_analyses_and_stores_a_real_call() {
    in_child("transcription::child_cloud_job_stores_a_call", &[]);
}

#[test]
#[ignore = "run by a_job_set_to_cloud_transcription_analyses_and_stores_a_real_call"]
fn child_cloud_job_stores_a_call() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let server = Server::start(|r, _| transcribes(r));
    let no_models = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        transcription: TranscriptionChoice::Openai,
        openai_base_url: format!("{}/v1", server.url()),
        filter_music: false,
        ..Settings::default()
    };
    let plan = JobPlan::from_settings(&settings, &ModelStore::at(no_models.path())).expect("plan");
    assert!(!plan.transcriber.uploads_audio(), "a server on this machine keeps the audio here");
    let job = Job::build(plan, &keyring_with(&[(SecretKind::OpenAiApiKey, "sk-transcribe-from-keyring")])).expect("job");
    assert_eq!(job.transcriber_name(), "openai whisper-1");

    let mut store = Store::open_in_memory().expect("library");
    let path = fixture("calls/call_01.wav");
    let call = pipeline::block_on(pipeline::analyze_file(&path, &job, &mut store, Arc::new(|_| {}), &CancelToken::new())).expect("analysed");
    let received = server.received();
    assert_eq!(received.len(), 2, "one upload per channel of the stereo call");
    assert!(received.iter().all(|r| r.header("authorization") == Some("Bearer sk-transcribe-from-keyring")));
    let stored = store.call(call.call_id).expect("read").expect("stored");
    assert_eq!(stored.transcriber, "openai whisper-1");
    let speakers: HashSet<Speaker> = stored.transcription.segments.iter().map(|s| s.speaker).collect();
    assert_eq!(speakers, HashSet::from([Speaker::Agent, Speaker::Customer]));
}
