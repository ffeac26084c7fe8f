//! `callscope analyze FILE...`: transcribe, analyse and store calls, printing each result.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use callscope::config::{ConfigStore, GeminiMode, ProviderChoice, SettingsOverrides, TranscriptionChoice};
use callscope::models::ModelStore;
use callscope::pipeline::{self, file_name, Job, JobPlan, PipelineError, ProviderPlan, TranscriberPlan};
use callscope::progress::CancelToken;
use callscope::secrets::Keyring;
use callscope::store::Store;
use clap::Args;

use super::calls::write_report;
use super::progress::{show, Bars};

/// Arguments of `callscope analyze`; a flag left out takes the saved setting (`callscope config`).
#[derive(Args)]
pub struct AnalyzeArgs {
    /// Recordings to analyse (wav, mp3, m4a, flac, ogg).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Speech model: tiny.en (fastest), base, small; default: the `model` setting.
    #[arg(long)]
    model: Option<String>,
    /// The agent is on the right channel and the customer on the left.
    #[arg(long)]
    swap_channels: bool,
    /// Print each stored call as JSON (the API's result shape) instead of a report.
    #[arg(long)]
    json: bool,
    /// Keep transcripts and summaries unredacted in the library.
    #[arg(long)]
    keep_original_pii: bool,
    /// Who analyses the transcripts: offline (built in), gemini or openai (an OpenAI-compatible
    /// server; both get only the redacted transcript); default: the `provider` setting.
    #[arg(long, value_name = "offline|gemini|openai")]
    provider: Option<ProviderChoice>,
    /// The model of a gemini or openai provider; default: the `gemini_model` or `openai_model` setting.
    #[arg(long, value_name = "NAME")]
    llm_model: Option<String>,
    /// Who transcribes: local (Whisper on this machine) or openai (each channel's audio is
    /// uploaded to the OpenAI-compatible server); default: the `transcription` setting.
    #[arg(long, value_name = "local|openai")]
    transcriber: Option<TranscriptionChoice>,
    /// How Gemini reads a call: text (the redacted transcript) or audio (stage 1 uploads the
    /// call's audio to Google, as the original system did); default: the `gemini_mode` setting.
    #[arg(long, value_name = "text|audio")]
    gemini_mode: Option<GeminiMode>,
    /// The day the calls were recorded (YYYY-MM-DD): dates said without a year are read against
    /// it; default: each file's modification day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    recorded_at: Option<time::Date>,
}

/// A day written `YYYY-MM-DD`.
fn parse_day(text: &str) -> Result<time::Date, String> {
    let wrong = || format!("{text:?} is not a day like 2025-06-30");
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts[..] else { return Err(wrong()) };
    let (year, month, day) = (year.parse().map_err(|_| wrong())?, month.parse::<u8>().map_err(|_| wrong())?, day.parse().map_err(|_| wrong())?);
    let month = time::Month::try_from(month).map_err(|_| wrong())?;
    time::Date::from_calendar_date(year, month, day).map_err(|e| format!("{}: {e}", wrong()))
}

impl AnalyzeArgs {
    /// What this command's flags change in the saved settings.
    fn overrides(&self) -> SettingsOverrides {
        SettingsOverrides {
            model: self.model.clone(),
            provider: self.provider,
            llm_model: self.llm_model.clone(),
            transcription: self.transcriber,
            gemini_mode: self.gemini_mode,
            // A flag can only turn these on; left out, the saved choice stands.
            swap_channels: self.swap_channels.then_some(true),
            keep_original_pii: self.keep_original_pii.then_some(true),
        }
    }
}

/// Analyse every file; a failed file is reported and the others still run.
pub fn run(args: AnalyzeArgs, config: &ConfigStore, store: &mut Store) -> anyhow::Result<ExitCode> {
    let models = ModelStore::open_default().context("opening the model folder")?;
    let settings = args.overrides().apply(config.get()).context("the saved settings with this command's options")?;
    let plan = JobPlan::from_settings(&settings, &models).map_err(with_hint)?;
    // Said before the key is looked for, so a run stopped for a missing key still tells what
    // this mode would send.
    note_audio_to_provider(&plan.provider);
    // A remote provider or transcriber without its key fails here, before any file is touched.
    let job = Job::build(plan, &Keyring::os()).map_err(with_hint)?;
    let job = match args.recorded_at {
        Some(day) => job.with_recorded_on(day),
        None => job,
    };
    note_uploads(&job);
    if !job.provider().runs_locally() && !job.plan().provider.uploads_audio() {
        eprintln!("note: {} ({}) analyses these calls; only their redacted transcripts leave this computer", job.provider().name(), job.provider().model());
    }
    let bars = Bars::new();
    let cancel = CancelToken::new();
    let mut results = Vec::new();
    let mut failed = 0;
    for path in &args.files {
        let bar = bars.file(&file_name(path));
        let on_bar = bar.clone();
        let result = pipeline::block_on(pipeline::analyze_file(path, &job, store, Arc::new(move |p| show(&on_bar, p)), &cancel));
        bar.finish_and_clear();
        match result {
            Ok(call) => {
                if let Some(error) = &call.analysis_error {
                    failed += 1;
                    eprintln!(
                        "error: {}: its fields could not be extracted ({error}); the call is stored as {} with its transcript: analyse it again with `callscope calls reanalyze {}`",
                        call.file_name, call.call_id, call.call_id
                    );
                }
                if !args.json {
                    write_report(&mut std::io::stdout().lock(), &call, &[])?;
                    println!();
                }
                results.push(call);
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}", with_hint(e));
            }
        }
    }
    if args.json {
        let out = if results.len() == 1 { serde_json::to_string_pretty(&results[0])? } else { serde_json::to_string_pretty(&results)? };
        println!("{out}");
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed or were stored without their fields", args.files.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Say plainly when the calls' audio leaves this computer for analysis (Gemini's audio mode).
fn note_audio_to_provider(provider: &ProviderPlan) {
    if let ProviderPlan::Gemini { model, mode: GeminiMode::Audio } = provider {
        eprintln!(
            "note: gemini ({model}) analyses these calls in audio mode: each call's AUDIO is uploaded to Google for stage 1 (transcription and domain), unredacted; its fields are extracted from the redacted transcript"
        );
    }
}

/// Say plainly when the calls' audio leaves this computer for transcription.
pub fn note_uploads(job: &Job) {
    if let TranscriberPlan::OpenAiCompatible { base_url, .. } = &job.plan().transcriber {
        if job.plan().transcriber.uploads_audio() {
            eprintln!("note: {} transcribes these calls: the audio of each channel is uploaded to {base_url}", job.transcriber_name());
        }
    }
}

/// The engine's error with what to type to fix it, where there is such a thing.
pub fn with_hint(e: PipelineError) -> anyhow::Error {
    match e.missing_model() {
        Some(name) => anyhow::anyhow!("{e}; install it with `callscope models install {name}`"),
        None => anyhow::Error::new(e),
    }
}
