//! `callscope calls reanalyze ID…`: analyse stored calls again, after a failed extraction or
//! with another provider, replacing what was found (transcript and corrections stay).

use std::io::Write;

use anyhow::Context;
use callscope::config::{ConfigStore, ProviderChoice, Settings};
use callscope::pipeline::{self, ProviderPlan};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::secrets::Keyring;
use callscope::store::Store;

use super::write_report;

/// Arguments of `callscope calls reanalyze`.
#[derive(Debug, clap::Args)]
pub struct ReanalyzeArgs {
    /// The calls' ids, as `calls list` shows them.
    #[arg(required = true)]
    ids: Vec<i64>,
    /// Who analyses the stored transcripts: offline, gemini or openai; default: the `provider` setting.
    #[arg(long, value_name = "offline|gemini|openai")]
    provider: Option<ProviderChoice>,
    /// The model of a gemini or openai provider; default: the `gemini_model` or `openai_model` setting.
    #[arg(long, value_name = "NAME")]
    llm_model: Option<String>,
    /// Print each call as JSON instead of a report.
    #[arg(long)]
    json: bool,
}

impl ReanalyzeArgs {
    fn settings(&self, saved: Settings) -> anyhow::Result<Settings> {
        let settings = Settings { provider: self.provider.unwrap_or(saved.provider), ..saved };
        Ok(match &self.llm_model {
            Some(model) => settings.with_llm_model(model).context("--llm-model")?,
            None => settings,
        })
    }
}

/// Analyse each call again; a call that fails keeps what it had and the others still run.
/// Returns how many failed.
pub fn run(args: ReanalyzeArgs, config: &ConfigStore, store: &mut Store, out: &mut dyn Write) -> anyhow::Result<usize> {
    let settings = args.settings(config.get())?;
    // A chosen provider without its key fails here, before any call is touched.
    let provider = ProviderPlan::from_settings(&settings).build(&Keyring::os())?;
    if !provider.runs_locally() {
        eprintln!("note: {} ({}) analyses these calls; only their stored, redacted transcripts leave this computer", provider.name(), provider.model());
    }
    let cancel = CancelToken::new();
    let mut failed = 0;
    for &id in &args.ids {
        let result = pipeline::block_on(pipeline::reanalyze(provider.as_ref(), store, id, settings.keep_original_pii, &ignore_progress, &cancel));
        match result {
            Ok(call) => {
                if args.json {
                    serde_json::to_writer_pretty(&mut *out, &call)?;
                    writeln!(out)?;
                } else {
                    let corrections = store.corrections(id).with_context(|| format!("reading call {id}'s corrections"))?;
                    write_report(&mut *out, &call, &corrections)?;
                    writeln!(out)?;
                }
                if let Some(error) = &call.analysis_error {
                    failed += 1;
                    eprintln!("error: call {id}: {error}; it keeps its transcript and can be analysed again");
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: call {id}: {e}; nothing was changed");
            }
        }
    }
    Ok(failed)
}
