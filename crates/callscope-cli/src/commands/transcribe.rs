//! `callscope transcribe FILE...`: speaker-labelled transcripts as text, JSON, SRT or VTT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use callscope::config::{ConfigStore, ProviderChoice, Settings, TranscriptionChoice};
use callscope::models::ModelStore;
use callscope::pipeline::{file_name, transcribe_file, Job};
use callscope::progress::CancelToken;
use callscope::secrets::Keyring;
use callscope::stt::{to_srt, to_vtt, Transcript};
use clap::{Args, ValueEnum};

use super::analyze::{note_uploads, with_hint};
use super::progress::{show, Bars};

/// Output format of `transcribe`.
#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Srt,
    Vtt,
}

/// Arguments of `callscope transcribe`; a flag left out takes the saved setting (`callscope config`).
#[derive(Args)]
pub struct TranscribeArgs {
    /// Recordings to transcribe (wav, mp3, m4a, flac, ogg).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Speech model: tiny.en (fastest), base, small; default: the `model` setting.
    #[arg(long)]
    model: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// The agent is on the right channel and the customer on the left.
    #[arg(long)]
    swap_channels: bool,
    /// Spoken language (ISO 639-1, e.g. `en`), or `auto`; default: the `language` setting.
    #[arg(long)]
    language: Option<String>,
    /// Beam search width (1 = greedy, fastest).
    #[arg(long, default_value_t = 1)]
    beam: u32,
    /// Who transcribes: local (Whisper on this machine) or openai (each channel's audio is
    /// uploaded to the OpenAI-compatible server); default: the `transcription` setting.
    #[arg(long, value_name = "local|openai")]
    transcriber: Option<TranscriptionChoice>,
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
pub fn run(args: TranscribeArgs, config: &ConfigStore) -> anyhow::Result<ExitCode> {
    let saved = config.get();
    let settings = Settings {
        model: args.model.clone().unwrap_or(saved.model.clone()),
        language: args.language.clone().unwrap_or(saved.language.clone()),
        swap_channels: args.swap_channels || saved.swap_channels,
        // Transcribing analyses nothing: no provider, so no key is needed.
        provider: ProviderChoice::Offline,
        transcription: args.transcriber.unwrap_or(saved.transcription),
        ..saved
    };
    let models = ModelStore::open_default().context("opening the model folder")?;
    let job = Job::from_settings(&settings, &models, &Keyring::os()).map_err(with_hint)?;
    note_uploads(&job);
    let options = callscope::stt::TranscribeOptions { beam_size: Some(args.beam), ..job.transcribe_options() };
    let transcriber = job.transcriber();
    let bars = Bars::new();
    let cancel = CancelToken::new();
    let mut failed = 0;
    let many = args.files.len() > 1;
    for path in &args.files {
        let bar = bars.file(&file_name(path));
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
                eprintln!("error: {}", with_hint(e));
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed", args.files.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
