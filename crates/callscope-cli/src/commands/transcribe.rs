//! `callscope transcribe FILE...`: speaker-labelled transcripts as text, JSON, SRT or VTT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use callscope::models::{ModelFormat, ModelStore};
use callscope::pipeline::transcribe_file;
use callscope::progress::CancelToken;
use callscope::stt::{to_srt, to_vtt, TranscribeOptions, Transcript, WhisperTranscriber};
use clap::{Args, ValueEnum};

use super::progress::{show, Bars};

/// Output format of `transcribe`.
#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Srt,
    Vtt,
}

/// Arguments of `callscope transcribe`.
#[derive(Args)]
pub struct TranscribeArgs {
    /// Recordings to transcribe (wav, mp3, m4a, flac, ogg).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Speech model: tiny.en (fastest), base (default, more accurate), small.
    #[arg(long, default_value = "base")]
    model: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// The agent is on the right channel and the customer on the left.
    #[arg(long)]
    swap_channels: bool,
    /// Spoken language (ISO 639-1, e.g. `en`), or `auto`.
    #[arg(long, default_value = "en")]
    language: String,
    /// Beam search width (1 = greedy, fastest).
    #[arg(long, default_value_t = 1)]
    beam: u32,
}

fn render(t: &Transcript, format: OutputFormat) -> anyhow::Result<String> {
    Ok(match format {
        OutputFormat::Text => t
            .segments
            .iter()
            .map(|s| format!("[{}] {}: {}\n", mmss(s.start_ms), s.speaker.label(), s.text))
            .collect(),
        OutputFormat::Json => serde_json::to_string_pretty(t)? + "\n",
        OutputFormat::Srt => to_srt(t),
        OutputFormat::Vtt => to_vtt(t),
    })
}

fn mmss(ms: u64) -> String {
    format!("{:02}:{:02}", ms / 60_000, ms / 1000 % 60)
}

/// Transcribe every file; a failed file is reported and the others still run.
pub fn run(args: TranscribeArgs) -> anyhow::Result<ExitCode> {
    let store = ModelStore::open_default().context("opening the model folder")?;
    let model_path = store.path(&args.model, ModelFormat::Q8_0).with_context(|| format!("finding model {}", args.model))?;
    let transcriber = WhisperTranscriber::shared(&model_path)?;
    let options = TranscribeOptions {
        swap_channels: args.swap_channels,
        language: args.language.clone(),
        beam_size: Some(args.beam),
        // Music on hold is only filtered when the VAD model is installed; without it the
        // recogniser still works, it just hears the music too.
        vad_model: store.vad_path().ok(),
    };
    let bars = Bars::new();
    let cancel = CancelToken::new();
    let mut failed = 0;
    let many = args.files.len() > 1;
    for path in &args.files {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let bar = bars.file(&name);
        let result = transcribe_file(path, transcriber.as_ref(), &options, &|p| show(&bar, p), &cancel);
        bar.finish_and_clear();
        match result {
            Ok(t) => {
                if many && !matches!(args.format, OutputFormat::Json) {
                    println!("== {} ==", path.display());
                }
                print!("{}", render(&t, args.format)?);
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed", args.files.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
