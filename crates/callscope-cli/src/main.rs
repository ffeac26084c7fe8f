//! `callscope`: transcribe, analyse, browse and serve call recordings from the command line.

mod commands;

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
    /// List, install and locate speech models.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
}

fn main() -> std::process::ExitCode {
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
        Command::Models(cmd) => commands::models::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
