//! `callscope`: transcribe, analyse, browse and serve call recordings from the command line.

mod commands;
mod server;

use std::process::ExitCode;

use anyhow::Context;
use callscope::config::{data_location, ConfigStore};
use callscope::secrets::Keyring;
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
    /// Record a live call (microphone = agent, system audio = customer) until Ctrl-C, then
    /// analyse and store it.
    Listen(commands::listen::ListenArgs),
    /// List the microphones and system audio sources `listen` can capture.
    Devices(commands::devices::DevicesArgs),
    /// Analyse and store live recordings a crash cut short (`listen` does this first too).
    Recover(commands::recover::RecoverArgs),
    /// Browse the call library: list, search, show, export, delete, reanalyze, token stats.
    #[command(subcommand)]
    Calls(commands::calls::CallsCommand),
    /// The domain catalog and each pair's extraction prompt.
    #[command(subcommand)]
    Domains(commands::domains::DomainsCommand),
    /// List, install and locate speech models.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
    /// See and change the settings the desktop app and the command line share.
    #[command(subcommand)]
    Config(commands::config::ConfigCommand),
    /// Serve the HTTP API: the original `POST /api/transcribe/`, the call library as JSON, and
    /// job progress over a WebSocket (127.0.0.1:8000 unless --bind says otherwise).
    Serve(commands::serve::ServeArgs),
    /// Store, remove and list the API keys of the Gemini and OpenAI-compatible providers (OS keyring).
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
}

fn open_library() -> anyhow::Result<Store> {
    let path = data_location()?.library();
    Store::open(&path).with_context(|| format!("opening the call library {}", path.display()))
}

/// The settings file in the data folder (the same one the desktop app uses).
fn open_config() -> anyhow::Result<ConfigStore> {
    Ok(ConfigStore::load(&data_location()?.settings()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The PulseAudio client logs an error each time a device listing disconnects; that is
    // routine, so it is heard only at -vv.
    let default_level = match cli.verbose {
        0 => "warn,pulseaudio::client::reactor=off",
        1 => "info,pulseaudio::client::reactor=off",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env(callscope::config::LOG).unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    // A panic inside a file's job is turned into that file's error by the engine; the report
    // goes to the log (with -v), not to the user's terminal as a stack trace.
    std::panic::set_hook(Box::new(|info| tracing::error!(%info, "internal error")));

    let result = match cli.command {
        Command::Transcribe(args) => open_config().and_then(|config| commands::transcribe::run(args, &config)),
        Command::Analyze(args) => open_config()
            .and_then(|config| open_library().and_then(|mut store| commands::analyze::run(args, &config, &mut store))),
        Command::Listen(args) => open_config()
            .and_then(|config| open_library().and_then(|mut store| commands::listen::run(args, &config, &mut store))),
        Command::Devices(args) => commands::devices::run(args).map(|()| ExitCode::SUCCESS),
        Command::Recover(args) => open_config()
            .and_then(|config| open_library().and_then(|mut store| commands::recover::run(args, &config, &mut store))),
        Command::Calls(cmd) => open_config().and_then(|config| open_library().and_then(|mut store| commands::calls::run(cmd, &mut store, &config))),
        Command::Domains(cmd) => open_library().and_then(|mut store| commands::domains::run(cmd, &mut store)).map(|()| ExitCode::SUCCESS),
        Command::Models(cmd) => commands::models::run(cmd),
        Command::Config(cmd) => open_config().and_then(|config| commands::config::run(cmd, &config)).map(|()| ExitCode::SUCCESS),
        Command::Serve(args) => data_location()
            .map_err(anyhow::Error::from)
            .and_then(|data| commands::serve::run(args, ConfigStore::load(&data.settings()), &data)),
        Command::Keys(cmd) => commands::keys::run(cmd, &Keyring::os()).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
