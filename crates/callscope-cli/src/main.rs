//! `callscope`: transcribe, analyse, browse and serve call recordings from the command line.

mod commands;

use std::process::ExitCode;

use anyhow::Context;
use callscope::store::Store;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Call-center recordings in, transcripts and analyses out — offline by default.
#[derive(Parser)]
#[command(name = "callscope", version, about)]
struct Cli {
    /// Log more (-v info, -vv debug); logs go to stderr.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Transcribe recordings with speaker labels.
    Transcribe(commands::transcribe::TranscribeArgs),
    /// Transcribe, analyse and store calls in the local library.
    Analyze(commands::analyze::AnalyzeArgs),
    /// Browse the call library: list, search, show, export, delete.
    #[command(subcommand)]
    Calls(commands::calls::CallsCommand),
    /// The domain catalog and each pair's extraction prompt.
    #[command(subcommand)]
    Domains(commands::domains::DomainsCommand),
    /// List, install and locate speech models.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
}

fn open_library() -> anyhow::Result<Store> {
    let path = Store::default_path()?;
    Store::open(&path).with_context(|| format!("opening the call library {}", path.display()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("CALLSCOPE_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let result = match cli.command {
        Command::Transcribe(args) => commands::transcribe::run(args),
        Command::Analyze(args) => open_library().and_then(|mut store| commands::analyze::run(args, &mut store)),
        Command::Calls(cmd) => open_library().and_then(|mut store| commands::calls::run(cmd, &mut store)).map(|()| ExitCode::SUCCESS),
        Command::Domains(cmd) => open_library().and_then(|mut store| commands::domains::run(cmd, &mut store)).map(|()| ExitCode::SUCCESS),
        Command::Models(cmd) => commands::models::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
