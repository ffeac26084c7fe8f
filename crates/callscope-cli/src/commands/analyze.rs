//! `callscope analyze FILE...`: transcribe, analyse and store calls, printing each result.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use callscope::llm::offline::OfflineProvider;
use callscope::models::{ModelFormat, ModelStore};
use callscope::pipeline::{analyze_file, AnalyzeJob};
use callscope::progress::CancelToken;
use callscope::store::Store;
use callscope::stt::{TranscribeOptions, WhisperTranscriber};
use clap::Args;

use super::calls::write_report;
use super::progress::{show, Bars};

/// Arguments of `callscope analyze`.
#[derive(Args)]
pub struct AnalyzeArgs {
    /// Recordings to analyse (wav, mp3, m4a, flac, ogg).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Speech model: tiny.en (fastest), base (default), small.
    #[arg(long, default_value = "base")]
    model: String,
    /// The agent is on the right channel and the customer on the left.
    #[arg(long)]
    swap_channels: bool,
    /// Print each stored call as JSON (the API's result shape) instead of a report.
    #[arg(long)]
    json: bool,
    /// Keep transcripts and summaries unredacted in the library.
    #[arg(long)]
    keep_original_pii: bool,
}

/// Analyse every file; a failed file is reported and the others still run.
pub fn run(args: AnalyzeArgs, store: &mut Store) -> anyhow::Result<ExitCode> {
    let models = ModelStore::open_default().context("opening the model folder")?;
    let model_path = models.path(&args.model, ModelFormat::Q8_0).with_context(|| format!("finding model {}", args.model))?;
    let transcriber = WhisperTranscriber::shared(&model_path)?;
    let provider = OfflineProvider::new();
    let transcribe = TranscribeOptions {
        swap_channels: args.swap_channels,
        vad_model: models.vad_path().ok(),
        ..TranscribeOptions::default()
    };
    let job = AnalyzeJob {
        transcriber: transcriber.as_ref(),
        transcribe: &transcribe,
        provider: &provider,
        keep_original_pii: args.keep_original_pii,
    };
    let bars = Bars::new();
    let cancel = CancelToken::new();
    let mut results = Vec::new();
    let mut failed = 0;
    for path in &args.files {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let bar = bars.file(&name);
        let result = analyze_file(path, &job, store, &|p| show(&bar, p), &cancel);
        bar.finish_and_clear();
        match result {
            Ok(call) => {
                if !args.json {
                    write_report(&mut std::io::stdout().lock(), &call, &[])?;
                    println!();
                }
                results.push(call);
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if args.json {
        let out = if results.len() == 1 { serde_json::to_string_pretty(&results[0])? } else { serde_json::to_string_pretty(&results)? };
        println!("{out}");
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed", args.files.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
