//! `make bench-live`: live captions of a rendered fixture call fed at real-time pace, scored
//! against its script (a benchmark, not a test).
//!
//! Prints, over the script's words (matched to the captions by alignment; word times are
//! interpolated within each turn by characters, as the truth file has only turn times): the
//! latency from the end of a word's audio to the first event showing it (partial or final) and
//! to its Final, p50 and p95; the live transcript's WER beside the batch WER of the same model
//! on the same audio; the backlog's maximum; CPU use (getrusage) and the load average.
//!
//! ```text
//! cargo run -p callscope --example live_bench -- [options]
//!   --call NAME      fixture call under $CALLSCOPE_FIXTURES/calls (default call_06)
//!   --model NAME     installed Whisper model (default tiny.en)
//!   --seconds N      only the first N seconds of the call
//!   --decoders 2     one session per speaker, one Whisper thread each (instead of one
//!                    session decoding both speakers with all threads)
//!   --threads N      Whisper threads in all (default: the cores, at most 8)
//!   --step-ms N      partial decoding step (default 500)
//!   --full-ctx       encode Whisper's whole 30 s window for every decode
//!   --vad            confirm utterances with the Silero speech-activity model
//!   --lockstep       feed as fast as the worker decodes, waiting until it is idle after every
//!                    chunk: the captions of a worker that always keeps up, in a fraction of
//!                    the call's time, whatever the load (for WER; latencies are not real)
//!   --per-word       print every script word with its latencies
//!   --events         print every caption event as it was received
//! ```
//! Targets on 2 cores: first appearance p50 ≤ 1.0 s, p95 ≤ 2.0 s; Final p50 ≤ 2.0 s;
//! live WER ≤ 1.3 × batch WER; backlog bounded.

#[path = "live_bench/score.rs"]
mod score;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use callscope::audio::{decode_file, AudioClip, DecodeOptions};
use callscope::models::{ModelFormat, ModelStore};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::stt::stream::{LiveTranscriber, StreamEvent, StreamOptions, StreamStats};
use callscope::stt::{Speaker, TranscribeOptions, Transcriber, WhisperTranscriber};

use score::{edits_by_speaker, mark_seen, percentile, script_words, ScriptWord};

struct Args {
    call: String,
    model: String,
    seconds: Option<u64>,
    decoders: usize,
    options: StreamOptions,
    per_word: bool,
    print_events: bool,
    lockstep: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        call: "call_06".into(),
        model: "tiny.en".into(),
        seconds: None,
        decoders: 1,
        options: StreamOptions::default(),
        per_word: false,
        print_events: false,
        lockstep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--call" => args.call = value("--call")?,
            "--model" => args.model = value("--model")?,
            "--seconds" => args.seconds = Some(value("--seconds")?.parse().map_err(|e| format!("--seconds: {e}"))?),
            "--decoders" => args.decoders = value("--decoders")?.parse().map_err(|e| format!("--decoders: {e}"))?,
            "--step-ms" => args.options.step_ms = value("--step-ms")?.parse().map_err(|e| format!("--step-ms: {e}"))?,
            "--threads" => args.options.threads = value("--threads")?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--full-ctx" => args.options.shrink_audio_ctx = false,
            "--vad" => {
                let store = ModelStore::open_default().map_err(|e| e.to_string())?;
                args.options.vad_model = Some(store.vad_path().map_err(|e| e.to_string())?);
            }
            "--per-word" => args.per_word = true,
            "--lockstep" => args.lockstep = true,
            "--events" => args.print_events = true,
            other => return Err(format!("unknown option {other} (see the doc at the top of examples/live_bench.rs)")),
        }
    }
    Ok(args)
}

fn fixtures() -> PathBuf {
    std::env::var_os("CALLSCOPE_FIXTURES").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("tests/fixtures/generated"))
}

/// CPU seconds (user + system) this process has used so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// Events with the wall time (ms since the feed started) they arrived at.
fn collect(events: Receiver<StreamEvent>, t0: Instant) -> std::thread::JoinHandle<Vec<(u64, StreamEvent)>> {
    std::thread::spawn(move || events.iter().map(|e| (t0.elapsed().as_millis() as u64, e)).collect())
}

/// Feed both channels in 20 ms chunks at real-time pace; returns the events and stats.
fn run_live(model: &std::sync::Arc<WhisperTranscriber>, clip: &AudioClip, args: &Args) -> Result<(Vec<(u64, StreamEvent)>, StreamStats), String> {
    let chunk = 320;
    let t0 = Instant::now();
    let mut sessions = Vec::new();
    let mut collectors = Vec::new();
    let sessions_needed = args.decoders.clamp(1, 2);
    let mut options = args.options.clone();
    options.threads = (options.threads / sessions_needed).max(1);
    for _ in 0..sessions_needed {
        let (live, events) = LiveTranscriber::start(std::sync::Arc::clone(model), options.clone()).map_err(|e| e.to_string())?;
        sessions.push(live);
        collectors.push(collect(events, t0));
    }
    let len = clip.channels[0].len();
    let mut max_backlog = 0u64;
    for (n, at) in (0..len).step_by(chunk).enumerate() {
        let due = t0 + Duration::from_millis(n as u64 * 20);
        if let Some(wait) = due.checked_duration_since(Instant::now()).filter(|_| !args.lockstep) {
            std::thread::sleep(wait);
        }
        let end = (at + chunk).min(len);
        let (agent, customer) = (&clip.channels[0][at..end], &clip.channels[1][at..end]);
        sessions[0].push(Speaker::Agent, agent);
        sessions[sessions_needed - 1].push(Speaker::Customer, customer);
        if args.lockstep {
            sessions.iter().for_each(LiveTranscriber::wait_idle);
        }
        max_backlog = max_backlog.max(sessions.iter().map(LiveTranscriber::backlog_ms).sum());
    }
    let mut total = StreamStats::default();
    for live in sessions {
        let s = live.finish().map_err(|e| e.to_string())?;
        total.audio_ms = total.audio_ms.max(s.audio_ms);
        total.max_backlog_ms += s.max_backlog_ms;
        total.partial_decodes += s.partial_decodes;
        total.final_decodes += s.final_decodes;
        total.decode_ms += s.decode_ms;
        total.skipped_ms += s.skipped_ms;
    }
    total.max_backlog_ms = total.max_backlog_ms.max(max_backlog);
    let mut events: Vec<(u64, StreamEvent)> = collectors.into_iter().flat_map(|c| c.join().unwrap_or_default()).collect();
    events.sort_by_key(|(t, _)| *t);
    Ok((events, total))
}

fn describe(values: &[i64]) -> String {
    match (percentile(values, 50.0), percentile(values, 95.0)) {
        (Some(p50), Some(p95)) => format!("p50 {:.2} s, p95 {:.2} s (n = {})", p50 as f64 / 1000.0, p95 as f64 / 1000.0, values.len()),
        _ => "no words".into(),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("live_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    let args = parse_args()?;
    let calls = fixtures().join("calls");
    let wav = calls.join(format!("{}.wav", args.call));
    let decoded = decode_file(&wav, &DecodeOptions { target_rate_hz: Some(16_000), ..DecodeOptions::default() }, &ignore_progress, &CancelToken::new())
        .map_err(|e| format!("{}: {e}", wav.display()))?;
    let mut clip = decoded.clip;
    if clip.channels.len() != 2 {
        return Err(format!("{} is not a stereo call", wav.display()));
    }
    let until_ms = args.seconds.map_or(u64::MAX, |s| s * 1000);
    if let Some(s) = args.seconds {
        clip.channels.iter_mut().for_each(|c| c.truncate((s * 16_000) as usize));
    }
    let script = script_words(&calls.join(format!("{}.truth.json", args.call)), until_ms)?;
    let store = ModelStore::open_default().map_err(|e| e.to_string())?;
    let path = store.path(&args.model, ModelFormat::Q8_0).map_err(|e| e.to_string())?;
    let model = WhisperTranscriber::shared(&path).map_err(|e| e.to_string())?;

    let batch_started = Instant::now();
    let batch = model.transcribe(&clip, &TranscribeOptions::default(), &ignore_progress, &CancelToken::new()).map_err(|e| e.to_string())?;
    let batch_s = batch_started.elapsed().as_secs_f64();
    let batch_text: Vec<(Speaker, String)> = batch.segments.iter().map(|s| (s.speaker, s.text.clone())).collect();
    let (batch_edits, words) = edits_by_speaker(&script, &batch_text);
    if args.print_events {
        for (speaker, text) in &batch_text {
            println!("batch {}: {text}", speaker.label());
        }
    }

    let load_before = load_average();
    let cpu_before = cpu_seconds();
    let wall = Instant::now();
    let (events, stats) = run_live(&model, &clip, &args)?;
    let wall_s = wall.elapsed().as_secs_f64();
    let cpu_s = cpu_seconds() - cpu_before;
    let load_after = load_average();

    let mut first: Vec<Option<u64>> = vec![None; script.len()];
    let mut settled: Vec<Option<u64>> = vec![None; script.len()];
    let mut finals: Vec<(Speaker, String)> = Vec::new();
    for (at, event) in &events {
        if args.print_events {
            println!("{at:>7} {event:?}");
        }
        match event {
            StreamEvent::Partial(s) => mark_seen(&script, &mut first, s.speaker, (s.start_ms, s.end_ms), &s.text, *at),
            StreamEvent::Final(s) => {
                mark_seen(&script, &mut first, s.speaker, (s.start_ms, s.end_ms), &s.text, *at);
                mark_seen(&script, &mut settled, s.speaker, (s.start_ms, s.end_ms), &s.text, *at);
                finals.push((s.speaker, s.text.clone()));
            }
            StreamEvent::Skipped { speaker, start_ms, end_ms } => println!("skipped {} {start_ms}–{end_ms} ms", speaker.label()),
        }
    }
    let (live_edits, _) = edits_by_speaker(&script, &finals);
    let latency = |seen: &[Option<u64>]| -> Vec<i64> {
        seen.iter().zip(&script).filter_map(|(t, w)| t.map(|t| t as i64 - w.end_ms as i64)).collect()
    };
    if args.per_word {
        print_words(&script, &first, &settled);
    }
    let (first_ms, final_ms) = (latency(&first), latency(&settled));
    let batch_wer = batch_edits as f64 / words.max(1) as f64;
    let live_wer = live_edits as f64 / words.max(1) as f64;
    println!("live captions: {} ({} s of audio), model {}, decoders {}, threads {}, step {} ms, audio_ctx {}", args.call, stats.audio_ms / 1000, args.model, args.decoders, args.options.threads, args.options.step_ms, if args.options.shrink_audio_ctx { "shrunk" } else { "full" });
    if args.lockstep {
        println!("  lockstep: fed as fast as decoded, so the latencies below are not real time");
    }
    println!("  first appearance after the word's end: {}", describe(&first_ms));
    println!("  Final after the word's end:            {}", describe(&final_ms));
    println!("  script words never shown: {}, never final: {} (of {words})", first.iter().filter(|t| t.is_none()).count(), settled.iter().filter(|t| t.is_none()).count());
    println!("  WER live {:.1} % vs batch {:.1} % (ratio {:.2}; batch took {batch_s:.1} s)", live_wer * 100.0, batch_wer * 100.0, live_wer / batch_wer.max(1e-9));
    println!("  backlog max {:.2} s, skipped {:.1} s; decodes {} partial + {} final, {:.1} s in Whisper", stats.max_backlog_ms as f64 / 1000.0, stats.skipped_ms as f64 / 1000.0, stats.partial_decodes, stats.final_decodes, stats.decode_ms as f64 / 1000.0);
    println!("  CPU {cpu_s:.1} s over {wall_s:.1} s wall = {:.0} % of one core; load average before {load_before}, after {load_after}", cpu_s / wall_s * 100.0);
    Ok(())
}

fn print_words(script: &[ScriptWord], first: &[Option<u64>], settled: &[Option<u64>]) {
    let show = |t: Option<u64>, end: u64| t.map_or("-".to_string(), |t| format!("{:.2}", (t as i64 - end as i64) as f64 / 1000.0));
    for ((w, f), s) in script.iter().zip(first).zip(settled) {
        println!("{:>8} {:<9} {:<16} first {:>6} final {:>6}", w.end_ms, w.speaker.label(), w.word, show(*f, w.end_ms), show(*s, w.end_ms));
    }
}
