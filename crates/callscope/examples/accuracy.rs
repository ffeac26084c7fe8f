//! `make accuracy`: run scripted calls through the whole pipeline (decode → Whisper → offline
//! analysis → redaction → store) and score the stored result against the scripts' ground truth:
//! domain/category accuracy, field precision/recall/F1, PII recall, names, sentiment, resolution,
//! and talk-%/silence-% error against the true turn timings.
//!
//! ```text
//! cargo run --release -p callscope --example accuracy -- [options]
//!   --calls DIR        scripted calls, *.json (default tests/fixtures/calls)
//!   --audio DIR        <stem>.wav and <stem>.truth.json (default tests/fixtures/generated/calls)
//!   --model NAME       installed Whisper model: base (default), tiny.en, …
//!   --only A,B         only these call stems
//!   --from-script      skip audio: the scripted turns at their true times are the transcript
//!   --transcripts DIR  skip audio: read <stem>.transcript.json saved by --dump
//!   --dump DIR         save <stem>.transcript.json (recognised, unredacted) and <stem>.analysis.json
//!   --year YYYY        year for dates said without one (default: the JSON's `recorded_at`/`year`,
//!                      else the current year)
//!   --strict           exit non-zero when a target is missed
//! ```
//! Any directory of calls in the same JSON format (with `expected`) and WAVs of the same stems
//! works; fields of domains the scorer has never seen are matched by value
//! (`callscope::analysis::score`). Models come from `$CALLSCOPE_MODELS` (see `ModelStore`).

#[path = "accuracy/fixture.rs"]
mod fixture;
#[path = "accuracy/grade.rs"]
mod grade;
#[path = "accuracy/report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use callscope::analysis::spoken;
use callscope::pipeline::{analyze_and_store, block_on, AnalysisRequest};
use callscope::llm::offline::OfflineProvider;
use callscope::models::{ModelFormat, ModelStore};
use callscope::pipeline::transcribe_file;
use callscope::progress::{ignore_progress, CancelToken};
use callscope::store::Store;
use callscope::stt::{TranscribeOptions, Transcriber, Transcript, WhisperTranscriber};

use fixture::Fixture;
use grade::Grade;

struct Args {
    calls: PathBuf,
    audio: PathBuf,
    model: String,
    only: Vec<String>,
    from_script: bool,
    transcripts: Option<PathBuf>,
    dump: Option<PathBuf>,
    year: Option<i32>,
    strict: bool,
}

fn parse_args() -> Result<Args, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.ancestors().nth(2).unwrap_or(manifest);
    let mut a = Args {
        calls: root.join("tests/fixtures/calls"),
        audio: root.join("tests/fixtures/generated/calls"),
        model: "base".into(),
        only: Vec::new(),
        from_script: false,
        transcripts: None,
        dump: None,
        year: None,
        strict: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--calls" => a.calls = value()?.into(),
            "--audio" => a.audio = value()?.into(),
            "--model" => a.model = value()?,
            "--only" => a.only = value()?.split(',').map(|s| s.trim().trim_end_matches(".json").to_string()).filter(|s| !s.is_empty()).collect(),
            "--from-script" => a.from_script = true,
            "--transcripts" => a.transcripts = Some(value()?.into()),
            "--dump" => a.dump = Some(value()?.into()),
            "--year" => a.year = Some(value()?.parse().map_err(|_| "--year needs a number like 2025".to_string())?),
            "--strict" => a.strict = true,
            "-h" | "--help" => {
                println!("{}", include_str!("accuracy.rs").lines().skip_while(|l| !l.starts_with("//! ```text")).skip(1).take_while(|l| !l.starts_with("//! ```")).map(|l| l.trim_start_matches("//! ")).collect::<Vec<_>>().join("\n"));
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    Ok(a)
}

/// Where each call's transcript comes from.
enum Source {
    Script,
    Saved(PathBuf),
    Audio(std::sync::Arc<WhisperTranscriber>),
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) if !args.strict => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<bool, String> {
    let fixtures = fixture::load_all(&args.calls, &args.audio, &args.only)?;
    if fixtures.is_empty() {
        return Err(format!("no calls in {}", args.calls.display()));
    }
    let (source, label) = if args.from_script {
        (Source::Script, "from script (true turn timings, no recogniser)".to_string())
    } else if let Some(dir) = &args.transcripts {
        (Source::Saved(dir.clone()), format!("from saved transcripts in {}", dir.display()))
    } else {
        let models = ModelStore::open_default().map_err(|e| e.to_string())?;
        let path = models.path(&args.model, ModelFormat::Q8_0).map_err(|e| format!("model {}: {e}", args.model))?;
        let started = Instant::now();
        let transcriber = WhisperTranscriber::shared(&path).map_err(|e| e.to_string())?;
        eprintln!("loaded {} in {:.1} s", path.display(), started.elapsed().as_secs_f64());
        (Source::Audio(transcriber), format!("from audio, whisper {} (q8_0)", args.model))
    };
    if let Some(dir) = &args.dump {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut store = Store::open_in_memory().map_err(|e| e.to_string())?;
    let mut grades = Vec::new();
    let total = Instant::now();
    for (i, fx) in fixtures.iter().enumerate() {
        eprintln!("[{}/{}] {} …", i + 1, fixtures.len(), fx.stem);
        let started = Instant::now();
        let mut g = match analyse(args, fx, &source, &mut store) {
            Ok(g) => g,
            Err(e) => grade::failed(fx, e),
        };
        g.seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "[{}/{}] {} done in {:.1} s{} ({:.0} s so far)",
            i + 1,
            fixtures.len(),
            fx.stem,
            g.seconds,
            g.error.as_ref().map_or(String::new(), |e| format!(" — FAILED: {e}")),
            total.elapsed().as_secs_f64()
        );
        grades.push(g);
    }
    if !fixtures.iter().all(|f| f.timed) {
        println!("note: calls without <stem>.truth.json are timed synthetically (400 ms a word)");
    }
    println!();
    report::print_calls(&grades);
    Ok(report::print_summary(&grades, &label))
}

/// Transcribe (or take the script), analyse and store one call, then grade the stored result.
/// Decode + transcribe + analyse-and-store is exactly `pipeline::analyze_file`, split so the
/// recognised transcript is at hand for scoring.
fn analyse(args: &Args, fx: &Fixture, source: &Source, store: &mut Store) -> Result<Grade, String> {
    let cancel = CancelToken::new();
    let started = Instant::now();
    let (transcript, audio): (Transcript, Option<&Path>) = match source {
        Source::Script => (fx.script_transcript(), None),
        Source::Saved(dir) => {
            let path = dir.join(format!("{}.transcript.json", fx.stem));
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            (serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?, None)
        }
        Source::Audio(whisper) => {
            let t = transcribe_file(&fx.audio, whisper.as_ref() as &dyn Transcriber, &TranscribeOptions::default(), &ignore_progress, &cancel)
                .map_err(|e| e.to_string())?;
            (t, Some(fx.audio.as_path()))
        }
    };
    let stt_seconds = if matches!(source, Source::Audio(_)) { started.elapsed().as_secs_f64() } else { 0.0 };
    let provider = OfflineProvider::with_reference_year(fx.year.or(args.year).unwrap_or_else(spoken::current_year));
    let file_name = format!("{}.wav", fx.stem);
    let transcriber = match source {
        Source::Audio(whisper) => whisper.name(),
        _ => "script".to_string(),
    };
    let request = AnalysisRequest { file_name: &file_name, transcript: &transcript, keep_original_pii: false, transcriber: &transcriber, recorded_on: time::OffsetDateTime::now_utc().date() };
    let call = block_on(analyze_and_store(&provider, store, &request, audio, &ignore_progress, &cancel)).map_err(|e| e.to_string())?;
    if let Some(dir) = &args.dump {
        let write = |name: String, json: Result<String, serde_json::Error>| {
            let path = dir.join(name);
            json.map_err(|e| e.to_string()).and_then(|j| std::fs::write(&path, j).map_err(|e| format!("{}: {e}", path.display())))
        };
        write(format!("{}.transcript.json", fx.stem), serde_json::to_string_pretty(&transcript))?;
        write(format!("{}.analysis.json", fx.stem), serde_json::to_string_pretty(&call))?;
    }
    let mut g = grade::grade(fx, &call, &transcript, !matches!(source, Source::Script));
    g.stt_seconds = stt_seconds;
    Ok(g)
}
