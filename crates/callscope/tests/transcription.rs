//! Transcription with the real Whisper models on real speech: accuracy on LibriVox clips,
//! speaker attribution on a rendered stereo call, mono handling and cancellation.
//!
//! Models come from `$CALLSCOPE_MODELS` (`make test` installs tiny.en and base there).
//! Live captions are tested in `transcription/live.rs`.

#[path = "transcription/live.rs"]
mod live;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use callscope::models::{ModelFormat, ModelStore};
use callscope::pipeline::transcribe_file;
use callscope::progress::{ignore_progress, CancelToken, Progress};
use callscope::stt::{normalise_words, word_edits, Speaker, TranscribeOptions, Transcriber, Transcript, WhisperTranscriber};

fn fixtures() -> PathBuf {
    std::env::var_os("CALLSCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/generated"))
}

/// Inference uses every core; running two tests' inference at once only slows both.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn model(name: &str) -> Arc<WhisperTranscriber> {
    let store = ModelStore::open_default().expect("model folder");
    let path = store.path(name, ModelFormat::Q8_0).unwrap_or_else(|e| panic!("{e} (make test installs it)"));
    WhisperTranscriber::shared(&path).expect("model loads")
}

fn transcribe(model_name: &str, file: &Path, options: &TranscribeOptions) -> Transcript {
    let _guard = one_at_a_time();
    transcribe_file(file, model(model_name).as_ref(), options, &ignore_progress, &CancelToken::new()).expect("transcribes")
}

fn librivox_wer(model_name: &str) -> f64 {
    let dir = fixtures().join("librivox");
    let refs: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("references.json")).expect("references")).expect("json");
    assert_eq!(refs.len(), 5);
    let (mut edits, mut words) = (0, 0);
    for (file, reference) in &refs {
        let t = transcribe(model_name, &dir.join(file), &TranscribeOptions::default());
        let (r, h) = (normalise_words(reference), normalise_words(&t.plain_text()));
        let e = word_edits(&r, &h);
        println!("{model_name} {file}: {e} errors / {} words: {}", r.len(), t.plain_text());
        edits += e;
        words += r.len();
    }
    let wer = edits as f64 / words as f64;
    println!("{model_name}: WER {:.1} % over {words} words", wer * 100.0);
    wer
}

#[test]
fn base_model_word_error_rate_on_librivox_is_at_most_3_percent() {
    assert!(librivox_wer("base") <= 0.03);
}

#[test]
fn tiny_en_word_error_rate_on_librivox_is_at_most_9_percent() {
    assert!(librivox_wer("tiny.en") <= 0.09);
}

#[test]
fn a_mono_recording_has_one_unknown_speaker() {
    let file = fixtures().join("librivox/sense_and_sensibility_01_austen_64kb-0880.wav");
    let t = transcribe("tiny.en", &file, &TranscribeOptions::default());
    assert!(!t.segments.is_empty());
    assert!(t.segments.iter().all(|s| s.speaker == Speaker::Unknown));
    assert!(t.plain_text().to_lowercase().contains("young man"), "{}", t.plain_text());
}

#[derive(serde::Deserialize)]
struct Truth {
    turns: Vec<TruthTurn>,
}

#[derive(serde::Deserialize)]
struct TruthTurn {
    speaker: String,
    start_ms: u64,
    end_ms: u64,
}

/// Share of transcript words whose segment lies mostly inside a true turn of the same speaker.
fn attribution(t: &Transcript, truth: &Truth, swapped: bool) -> f64 {
    let (mut right, mut total) = (0usize, 0usize);
    for s in &t.segments {
        let words = s.text.split_whitespace().count();
        total += words;
        let overlap = |turn: &TruthTurn| s.end_ms.min(turn.end_ms).saturating_sub(s.start_ms.max(turn.start_ms));
        let best = truth.turns.iter().max_by_key(|turn| overlap(turn));
        let expected = match best.map(|b| b.speaker.as_str()) {
            Some("agent") if !swapped => Speaker::Agent,
            Some("customer") if swapped => Speaker::Agent,
            _ => Speaker::Customer,
        };
        if best.is_some_and(|b| overlap(b) > 0) && s.speaker == expected {
            right += words;
        }
    }
    right as f64 / total.max(1) as f64
}

fn truth(id: &str) -> Truth {
    let text = std::fs::read_to_string(fixtures().join(format!("calls/{id}.truth.json"))).expect("truth timings");
    serde_json::from_str(&text).expect("truth json")
}

#[test]
fn stereo_call_puts_at_least_95_percent_of_words_on_the_right_speaker() {
    // call_07 has real interruptions: both people talk at once twice.
    for id in ["call_06", "call_07"] {
        let t = transcribe("base", &fixtures().join(format!("calls/{id}.wav")), &TranscribeOptions::default());
        let share = attribution(&t, &truth(id), false);
        println!("{id}: {:.1} % of words on the right speaker, {} segments", share * 100.0, t.segments.len());
        assert!(share >= 0.95, "{id}: only {:.1} %", share * 100.0);
        assert!(t.segments.iter().any(|s| s.speaker == Speaker::Agent));
        assert!(t.segments.iter().any(|s| s.speaker == Speaker::Customer));
        assert!(t.segments.windows(2).all(|w| w[0].start_ms <= w[1].start_ms), "segments are in time order");
        assert!(t.segments.last().is_some_and(|s| s.end_ms <= t.duration_ms));
    }
}

#[test]
fn swapping_channels_makes_the_left_speaker_the_customer() {
    let options = TranscribeOptions { swap_channels: true, ..TranscribeOptions::default() };
    let t = transcribe("tiny.en", &fixtures().join("calls/call_12.wav"), &options);
    let share = attribution(&t, &truth("call_12"), true);
    assert!(share >= 0.95, "only {:.1} % with swapped channels", share * 100.0);
    let first = t.segments.first().expect("speech");
    assert_eq!(first.speaker, Speaker::Customer, "the agent opens the call and is on the left");
}

#[test]
fn progress_reaches_the_end_and_cancellation_stops_transcription() {
    let file = fixtures().join("calls/call_12.wav");
    let seen = Mutex::new(Vec::<Progress>::new());
    {
        let _guard = one_at_a_time();
        let sink = |p: Progress| seen.lock().unwrap().push(p);
        transcribe_file(&file, model("tiny.en").as_ref(), &TranscribeOptions::default(), &sink, &CancelToken::new()).expect("ok");
    }
    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().any(|p| p.fraction >= 1.0 && p.stage == callscope::progress::Stage::Transcribing));

    let cancel = CancelToken::new();
    let canceller = cancel.clone();
    let _guard = one_at_a_time();
    let sink = move |p: Progress| {
        if p.stage == callscope::progress::Stage::Transcribing {
            canceller.cancel();
        }
    };
    let err = transcribe_file(&file, model("tiny.en").as_ref(), &TranscribeOptions::default(), &sink, &cancel).expect_err("cancelled");
    assert!(err.to_string().contains("cancelled"), "{err}");
}

/// A steady chord with a slow tremolo: energy that never pauses, like music on hold.
fn hold_music(seconds: usize) -> Vec<f32> {
    let sr = 16_000.0f32;
    (0..seconds * 16_000)
        .map(|i| {
            let t = i as f32 / sr;
            let chord = [220.0f32, 277.2, 329.6].iter().map(|f| (t * f * std::f32::consts::TAU).sin()).sum::<f32>();
            chord * 0.08 * (0.75 + 0.25 * (t * 0.5 * std::f32::consts::TAU).sin())
        })
        .collect()
}

#[test]
fn music_on_hold_is_skipped_when_the_vad_model_is_available() {
    let speech = callscope::audio::decode_file(
        &fixtures().join("librivox/sense_and_sensibility_01_austen_64kb-0930.wav"),
        &callscope::audio::DecodeOptions::default(),
        &ignore_progress,
        &CancelToken::new(),
    )
    .expect("speech decodes")
    .clip;
    let music_s = 50;
    let mut samples = hold_music(music_s);
    samples.extend_from_slice(&speech.channels[0]);
    let clip = callscope::audio::AudioClip { sample_rate_hz: 16_000, channels: vec![samples] };
    let vad = ModelStore::open_default().expect("models").vad_path().expect("make test installs silero-vad");
    let options = TranscribeOptions { vad_model: Some(vad), ..TranscribeOptions::default() };
    let _guard = one_at_a_time();
    let t = model("tiny.en").transcribe(&clip, &options, &ignore_progress, &CancelToken::new()).expect("transcribes");
    let music_end_ms = music_s as u64 * 1000;
    assert!(t.plain_text().to_lowercase().contains("amiable"), "the speech after the music is transcribed: {}", t.plain_text());
    for s in &t.segments {
        assert!(s.end_ms > music_end_ms - 500, "no words during the music, got {:?} at {} ms", s.text, s.start_ms);
    }
}

/// Non-speech recordings that ship in an installed package: CPython's test suite's guitar
/// plucks (`libpython3.X-testsuite`, which `make test` installs).
fn non_speech_recordings() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .flat_map(|e| std::fs::read_dir(e.path().join("test/audiodata")).into_iter().flatten().filter_map(Result::ok))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    found.sort();
    assert!(
        !found.is_empty(),
        "no /usr/lib/python3*/test/audiodata/*.wav: install the Python test suite (apt-get install libpython3.X-testsuite for the installed python3; make test does)"
    );
    found
}

#[test]
fn text_whisper_writes_over_plucks_reaches_no_transcript() {
    for file in non_speech_recordings() {
        // As analyses run by default: the speech-activity model checks what the recogniser wrote.
        let vad = ModelStore::open_default().expect("models").vad_path().expect("make test installs silero-vad");
        let options = TranscribeOptions { vad_model: Some(vad), ..TranscribeOptions::default() };
        for name in ["base", "tiny.en"] {
            let t = transcribe(name, &file, &options);
            assert!(t.segments.is_empty(), "{name} on {}: {:?}", file.display(), t.segments.iter().map(|s| &s.text).collect::<Vec<_>>());
        }
    }
}
