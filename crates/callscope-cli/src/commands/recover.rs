//! `callscope recover`: analyse live recordings a crash cut short (also run by `listen`).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use callscope::audio::recorder::recover_unfinished;
use callscope::config::{data_location, ConfigStore};
use callscope::models::ModelStore;
use callscope::pipeline::{self, has_unfinished_recordings, Job, JobPlan};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::secrets::Keyring;
use callscope::store::Store;
use clap::Args;

use super::analyze::{note_uploads, with_hint};
use super::listen::print_call;

/// Arguments of `callscope recover`.
#[derive(Args)]
pub struct RecoverArgs {
    /// Only repair the recordings; do not analyse and store them.
    #[arg(long)]
    no_analyze: bool,
    /// Print the stored calls as JSON instead of reports.
    #[arg(long)]
    json: bool,
}

/// Repair, analyse and store every unfinished recording; fails when one could not be.
pub fn run(args: RecoverArgs, config: &ConfigStore, store: &mut Store) -> anyhow::Result<ExitCode> {
    let recordings = data_location()?.recordings();
    if !has_unfinished_recordings(&recordings) {
        eprintln!("no unfinished recordings in {}", recordings.display());
        return Ok(ExitCode::SUCCESS);
    }
    let job = if args.no_analyze { None } else { Some(build_job(config)?) };
    let failed = recover_all(&recordings, job.as_ref(), store, Shown::Report { json: args.json })?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The job of `callscope analyze` with the saved settings (the accurate model, `base` by default).
pub fn build_job(config: &ConfigStore) -> anyhow::Result<Job> {
    let models = ModelStore::open_default().context("opening the model folder")?;
    let plan = JobPlan::from_settings(&config.get(), &models).map_err(with_hint)?;
    let job = Job::build(plan, &Keyring::os()).map_err(with_hint)?;
    note_uploads(&job);
    Ok(job)
}

/// How `recover_all` shows each recovered call.
#[derive(Clone, Copy)]
pub enum Shown {
    /// Its report (or JSON) on stdout.
    Report { json: bool },
    /// One line on stderr (stdout is kept for the command's own result).
    Note,
}

/// Recover what a crash left in `recordings`: with a job, analyse and store each call (marked
/// recovered) and show it; without, only repair. Returns how many failed.
pub fn recover_all(recordings: &Path, job: Option<&Job>, store: &mut Store, shown: Shown) -> anyhow::Result<usize> {
    if !has_unfinished_recordings(recordings) {
        return Ok(0);
    }
    eprintln!("recovering recordings a crash cut short in {}", recordings.join("in-progress").display());
    let mut failed = 0;
    let Some(job) = job else {
        for result in recover_unfinished(recordings) {
            match result {
                Ok(recording) => eprintln!("recovered {} ({:.1} s); analyse it with `callscope analyze`", recording.path.display(), recording.duration_ms as f64 / 1000.0),
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {e}");
                }
            }
        }
        return Ok(failed);
    };
    let results = pipeline::block_on(async {
        Ok(pipeline::recover_live_recordings(recordings, job, store, Arc::new(ignore_progress), &CancelToken::new()).await)
    })?;
    for result in results {
        match result {
            Ok(call) => {
                eprintln!("recovered call {} ({}), cut short by a crash; see `callscope calls show {}`", call.call_id, call.file_name, call.call_id);
                if let Shown::Report { json } = shown {
                    print_call(&call, json)?;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}", with_hint(e));
            }
        }
    }
    Ok(failed)
}
