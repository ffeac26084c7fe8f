//! `make accuracy`: run scripted calls through the whole pipeline (decode → Whisper → offline
//! analysis → redaction → store) and score the stored result against the scripts' ground truth:
//! domain/category, field precision/recall/F1, PII recall, names, sentiment, resolution, and
//! talk-%/silence-% error against the true turn timings. Three sets side by side: the fixture
//! calls (the analyzer was tuned on them), the development calls (new, may be read) and the
//! sealed calls (new, never read: only their totals are printed, nothing per call).
//!
//! ```text
//! cargo run --release -p callscope --example accuracy -- [options]
//!   --sets LIST        fixtures,dev,sealed (default all three)
//!   --calls DIR        instead of the sets: scripted calls *.json in DIR …
//!   --audio DIR        … with <stem>.wav and <stem>.truth.json in DIR
//!   --model NAME       installed Whisper model: base (default), tiny.en, …
//!   --only A,B         only these call stems (not with the sealed set)
//!   --from-script      skip audio: the scripted turns at their true times are the transcript
//!   --transcripts DIR  skip audio: read <stem>.transcript.json saved by --dump (not sealed)
//!   --dump DIR         save <stem>.transcript.json (recognised, unredacted) and
//!                      <stem>.analysis.json (refused for the sealed set)
//!   --summary          only the side-by-side totals, no per-call tables
//!   --year YYYY        year for dates said without one (default: the JSON's `recorded_at`/`year`,
//!                      else the current year)
//!   --strict           exit non-zero when a target is missed
//! ```
//! Any directory of calls in the same JSON format (with `expected`) and WAVs of the same stems
//! works; fields and pairs the scorer has never seen are matched by meaning and value
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
use callscope::llm::offline::OfflineProvider;
use callscope::models::{ModelFormat, ModelStore};
use callscope::pipeline::transcribe_file;
use callscope::pipeline::{analyze_and_store, block_on, AnalysisRequest};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::store::Store;
use callscope::stt::{TranscribeOptions, Transcriber, Transcript, WhisperTranscriber};

use fixture::Fixture;
use grade::Grade;
use report::{CallSet, SetResult};

struct Args {
    sets: Vec<CallSet>,
    model: String,
    only: Vec<String>,
    from_script: bool,
    transcripts: Option<PathBuf>,
    dump: Option<PathBuf>,
    summary: bool,
    year: Option<i32>,
    strict: bool,
}

fn parse_args() -> Result<Args, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.ancestors().nth(2).unwrap_or(manifest).to_path_buf();
    let mut a = Args { sets: Vec::new(), model: "base".into(), only: Vec::new(), from_script: false, transcripts: None, dump: None, summary: false, year: None, strict: false };
    let (mut calls, mut audio, mut names): (Option<PathBuf>, Option<PathBuf>, Option<String>) = (None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--sets" => names = Some(value()?),
            "--calls" => calls = Some(value()?.into()),
            "--audio" => audio = Some(value()?.into()),
            "--model" => a.model = value()?,
            "--only" => a.only = value()?.split(',').map(|s| s.trim().trim_end_matches(".json").to_string()).filter(|s| !s.is_empty()).collect(),
            "--from-script" => a.from_script = true,
            "--transcripts" => a.transcripts = Some(value()?.into()),
            "--dump" => a.dump = Some(value()?.into()),
            "--summary" => a.summary = true,
            "--year" => a.year = Some(value()?.parse().map_err(|_| "--year needs a number like 2025".to_string())?),
            "--strict" => a.strict = true,
            "-h" | "--help" => {
                println!("{}", include_str!("accuracy.rs").lines().skip_while(|l| !l.starts_with("//! ```text")).skip(1).take_while(|l| !l.starts_with("//! ```")).map(|l| l.trim_start_matches("//! ")).collect::<Vec<_>>().join("\n"));
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    a.sets = match (calls, names) {
        (Some(_), Some(_)) => return Err("--calls replaces --sets; give one of them".into()),
        (Some(calls), None) => {
            let audio = audio.unwrap_or_else(|| calls.clone());
            let name = calls.file_name().map_or_else(|| "calls".into(), |n| n.to_string_lossy().into_owned());
            vec![CallSet { name, note: "given with --calls".into(), calls, audio, sealed: false }]
        }
        (None, names) => names.as_deref().unwrap_or("fixtures,dev,sealed").split(',').map(|n| CallSet::named(n.trim(), &root)).collect::<Result<_, _>>()?,
    };
    if a.sets.iter().any(|s| s.sealed) {
        let refuse = |what: &str| Err(format!("{what} would show single sealed calls; leave the sealed set out (--sets fixtures,dev)"));
        if a.dump.is_some() {
            return refuse("--dump");
        }
        if !a.only.is_empty() {
            return refuse("--only");
        }
        if a.transcripts.is_some() {
            return refuse("--transcripts");
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
    let mut results = Vec::new();
    let mut found = Vec::new();
    for set in &args.sets {
        let only: &[String] = if set.sealed { &[] } else { &args.only };
        let fixtures = fixture::load_all(&set.calls, &set.audio, only)?;
        found.extend(fixtures.iter().map(|f| f.stem.clone()));
        if fixtures.is_empty() {
            continue;
        }
        if !set.sealed && !args.summary && !fixtures.iter().all(|f| f.timed) {
            println!("note: calls without <stem>.truth.json are timed synthetically (400 ms a word)");
        }
        let grades = run_set(args, set, &fixtures, &source)?;
        if !set.sealed && !args.summary {
            println!("\n{} — {} ({})", set.name, set.note, set.calls.display());
            report::print_calls(&grades);
        }
        results.push(SetResult::new(set.clone(), &grades));
    }
    if let Some(missing) = args.only.iter().find(|s| !found.contains(s)) {
        return Err(format!("no call {missing}.json in the sets {}", args.sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")));
    }
    if results.is_empty() {
        return Err("no calls to score".into());
    }
    Ok(report::print_side_by_side(&results, &label))
}

/// Analyse every call of one set with a store of its own (a new user's library: generated
/// schemas are saved by the first call of a pair and reused by the later ones).
fn run_set(args: &Args, set: &CallSet, fixtures: &[Fixture], source: &Source) -> Result<Vec<Grade>, String> {
    let mut store = Store::open_in_memory().map_err(|e| e.to_string())?;
    let mut grades = Vec::new();
    let total = Instant::now();
    for (i, fx) in fixtures.iter().enumerate() {
        // A sealed call is never named, and its failures are only counted.
        let who = if set.sealed { "sealed call".to_string() } else { fx.stem.clone() };
        eprintln!("[{} {}/{}] {who} …", set.name, i + 1, fixtures.len());
        let started = Instant::now();
        let mut g = match analyse(args, fx, source, &mut store) {
            Ok(g) => g,
            Err(e) => grade::failed(fx, e),
        };
        g.seconds = started.elapsed().as_secs_f64();
        let failed = match (&g.error, set.sealed) {
            (None, _) => String::new(),
            (Some(_), true) => " — FAILED".into(),
            (Some(e), false) => format!(" — FAILED: {e}"),
        };
        eprintln!("[{} {}/{}] {who} done in {:.1} s{failed} ({:.0} s so far)", set.name, i + 1, fixtures.len(), g.seconds, total.elapsed().as_secs_f64());
        grades.push(g);
    }
    Ok(grades)
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
    // The scripts say in which year they were recorded (or `--year` does); the provider reads
    // dates said without a year against that recording day, as it would a file's date.
    let year = fx.year.or(args.year).unwrap_or_else(spoken::current_year);
    let recorded_on = time::Date::from_calendar_date(year, time::Month::June, 30).map_err(|e| e.to_string())?;
    let provider = OfflineProvider::with_reference_year(year);
    let file_name = format!("{}.wav", fx.stem);
    let transcriber = match source {
        Source::Audio(whisper) => whisper.name(),
        _ => "script".to_string(),
    };
    let request = AnalysisRequest { file_name: &file_name, transcript: &transcript, keep_original_pii: false, transcriber: &transcriber, recorded_on };
    let analysing = Instant::now();
    let call = block_on(analyze_and_store(&provider, store, &request, audio, &ignore_progress, &cancel)).map_err(|e| e.to_string())?;
    let analysis_seconds = analysing.elapsed().as_secs_f64();
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
    g.analysis_seconds = analysis_seconds;
    Ok(g)
}
