//! `callscope calls`: list, search, show, export and delete calls in the local library.

mod list;
mod reanalyze;
mod show;
mod stats;
mod table;

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use callscope::config::ConfigStore;
use callscope::export::{export_calls, export_calls_to_file, PersonalData};
use callscope::store::{CallFilter, CallSort, Date, Paging, Store};

use list::{row_cells, write_list};
pub(crate) use show::write_report;
pub(crate) use table::{fit, write_table};

/// Browse the call library.
#[derive(Debug, clap::Subcommand)]
pub enum CallsCommand {
    /// List calls, newest first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// How many calls to show.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Skip this many calls first (for the next page).
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Order of the list.
        #[arg(long, value_enum, default_value_t = SortArg::Newest)]
        sort: SortArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Find calls by words in their transcript, summary, names or topic.
    Search {
        /// The words to look for (all must occur); typed text is never query syntax.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        #[command(flatten)]
        filter: FilterArgs,
        /// How many calls to show.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one call: its analysis, fields, metrics, summary and transcript.
    Show {
        /// The call's id, as `calls list` shows it.
        id: i64,
        /// Print the full analysis as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write calls to a file, oldest first, with personal data redacted.
    Export {
        /// File format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// File to write; standard output when left out.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write personal data as the library stores it instead of redacting the transcript,
        /// summary, reason and follow-ups.
        #[arg(long)]
        unredacted: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Analyse stored calls again (after a failed extraction, or with another provider); the
    /// transcript and hand corrections stay, what was found is replaced.
    Reanalyze(reanalyze::ReanalyzeArgs),
    /// LLM tokens and their estimated cost, per day, domain or call, with the total.
    Stats {
        #[command(flatten)]
        filter: FilterArgs,
        /// One row per day, per domain or per call.
        #[arg(long, value_enum, default_value_t = stats::GroupArg::Day)]
        by: stats::GroupArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete a call and its transcript (also from the team library at the next sync).
    Delete {
        /// The call's id.
        id: i64,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// Which calls a list, search or export covers.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Only calls of this domain, e.g. insurance.
    #[arg(long)]
    domain: Option<String>,
    /// Only calls of this category, e.g. claim_inquiry.
    #[arg(long)]
    category: Option<String>,
    /// Only calls with this overall sentiment.
    #[arg(long, value_parser = ["positive", "neutral", "negative"])]
    sentiment: Option<String>,
    /// Only calls whose agent's name contains this text.
    #[arg(long)]
    agent: Option<String>,
    /// Only calls that ended this way.
    #[arg(long, value_parser = ["resolved", "unresolved", "escalated", "follow_up"])]
    resolution: Option<String>,
    /// Only calls analysed on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse_day)]
    since: Option<Date>,
    /// Only calls analysed on or before this day (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse_day)]
    until: Option<Date>,
}

/// Orders `calls list` offers.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SortArg {
    Newest,
    Oldest,
    Longest,
    Shortest,
}

/// Formats `calls export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A JSON array of full analyses, transcripts included.
    Json,
    /// One row per call with its main facts, fields as JSON and the transcript as text.
    Csv,
}

/// Run a `calls` subcommand against the library, printing to standard output; the exit code
/// says whether every call could be analysed again.
pub fn run(cmd: CallsCommand, store: &mut Store, config: &ConfigStore) -> anyhow::Result<ExitCode> {
    let out = &mut io::stdout().lock();
    if let CallsCommand::Reanalyze(args) = cmd {
        let failed = ignore_broken_pipe(reanalyze::run(args, config, store, out))?;
        return Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    ignore_broken_pipe(run_to(cmd, store, config, out)).map(|()| ExitCode::SUCCESS)
}

fn run_to(cmd: CallsCommand, store: &mut Store, config: &ConfigStore, out: &mut dyn Write) -> anyhow::Result<()> {
    match cmd {
        CallsCommand::Reanalyze(_) => anyhow::bail!("calls reanalyze runs through `run`"),
        CallsCommand::Stats { filter, by, json } => {
            let report = store
                .usage_report(&filter.to_filter()?, by.into(), &config.get().price_table())
                .context("adding up token usage")?;
            if json {
                serde_json::to_writer_pretty(&mut *out, &report)?;
                writeln!(out)?;
            } else {
                stats::write_usage(&mut *out, &report)?;
            }
        }
        CallsCommand::List {
            filter,
            limit,
            offset,
            sort,
            json,
        } => {
            let paging = Paging {
                sort: sort.into(),
                limit,
                offset,
            };
            let page = store
                .list_calls(&filter.to_filter()?, paging)
                .context("listing calls")?;
            if json {
                serde_json::to_writer_pretty(&mut *out, &page)?;
                writeln!(out)?;
            } else {
                write_list(&mut *out, &page)?;
            }
        }
        CallsCommand::Search {
            query,
            filter,
            limit,
            json,
        } => {
            let query = query.join(" ");
            let hits = store
                .search(&query, &filter.to_filter()?, limit)
                .with_context(|| format!("searching for {query:?}"))?;
            if json {
                serde_json::to_writer_pretty(&mut *out, &hits)?;
                writeln!(out)?;
            } else if hits.is_empty() {
                writeln!(out, "No call mentions {query:?}.")?;
            } else {
                let rows: Vec<Vec<String>> = hits
                    .iter()
                    .map(|hit| {
                        let mut row = row_cells(&hit.call);
                        row.truncate(4);
                        row.push(hit.snippet_marked("[", "]").replace(['\n', '\r'], " "));
                        row
                    })
                    .collect();
                write_table(
                    &mut *out,
                    &["ID", "DATE", "LENGTH", "DOMAIN / CATEGORY", "MATCH"],
                    &rows,
                )?;
            }
        }
        CallsCommand::Show { id, json } => {
            let shown = store
                .shown_call(id)
                .with_context(|| format!("reading call {id}"))?
                .with_context(|| {
                    format!("there is no call with id {id}; see `callscope calls list`")
                })?;
            if json {
                serde_json::to_writer_pretty(&mut *out, &shown)?;
                writeln!(out)?;
            } else {
                let corrections = store
                    .corrections(id)
                    .with_context(|| format!("reading call {id}"))?;
                if let Some(live) = &shown.live {
                    show::write_live(&mut *out, live)?;
                }
                show::write_report(&mut *out, &shown.call, &corrections)?;
            }
        }
        CallsCommand::Export {
            format,
            out: path,
            unredacted,
            filter,
        } => {
            let filter = filter.to_filter()?;
            let personal = if unredacted {
                PersonalData::AsStored
            } else {
                PersonalData::Redact
            };
            match &path {
                Some(path) => {
                    let count =
                        export_calls_to_file(store, &filter, format.into(), personal, path)?;
                    eprintln!("Exported {count} call(s) to {}.", path.display());
                }
                None => {
                    export_calls(store, &filter, format.into(), personal, &mut *out)?;
                }
            }
        }
        CallsCommand::Delete { id, yes } => {
            let call = store
                .call(id)
                .with_context(|| format!("reading call {id}"))?
                .with_context(|| {
                    format!("there is no call with id {id}; see `callscope calls list`")
                })?;
            if !yes
                && !confirm(&format!(
                    "Delete call {id} ({})? This cannot be undone.",
                    call.file_name
                ))?
            {
                writeln!(out, "Nothing deleted.")?;
                return Ok(());
            }
            store
                .delete_call(id)
                .with_context(|| format!("deleting call {id}"))?;
            writeln!(out, "Deleted call {id} ({}).", call.file_name)?;
        }
    }
    Ok(())
}

impl FilterArgs {
    /// The engine's filter for these flags.
    fn to_filter(&self) -> anyhow::Result<CallFilter> {
        Ok(CallFilter {
            domain: self.domain.clone(),
            category: self.category.clone(),
            sentiment: self.sentiment.as_deref().map(from_label).transpose()?,
            resolution: self.resolution.as_deref().map(from_label).transpose()?,
            agent: self.agent.clone(),
            since: self.since,
            until: self.until,
        })
    }
}

impl From<ExportFormat> for callscope::export::ExportFormat {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Json => callscope::export::ExportFormat::Json,
            ExportFormat::Csv => callscope::export::ExportFormat::Csv,
        }
    }
}

impl From<SortArg> for CallSort {
    fn from(sort: SortArg) -> CallSort {
        match sort {
            SortArg::Newest => CallSort::Newest,
            SortArg::Oldest => CallSort::Oldest,
            SortArg::Longest => CallSort::Longest,
            SortArg::Shortest => CallSort::Shortest,
        }
    }
}

/// An engine enum from its lowercase label (clap has already checked the spelling).
fn from_label<T: serde::de::DeserializeOwned>(label: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(label.to_string()))
        .with_context(|| format!("unknown value {label:?}"))
}

fn parse_day(text: &str) -> Result<Date, String> {
    callscope::store::parse_date(text).map_err(|e| e.to_string())
}

/// An engine enum's lowercase label.
pub(crate) fn label<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

/// Milliseconds as `m:ss`, or `h:mm:ss` from an hour on.
pub(crate) fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Treat a closed standard output (`callscope calls show 1 | head`) as a normal end.
pub(crate) fn ignore_broken_pipe<T: Default>(result: anyhow::Result<T>) -> anyhow::Result<T> {
    match result {
        Err(e)
            if e.chain().any(|cause| {
                cause
                    .downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            Ok(T::default())
        }
        other => other,
    }
}

/// Ask a yes/no question on the terminal; anything but y/yes (or end of input) means no.
pub(crate) fn confirm(question: &str) -> anyhow::Result<bool> {
    eprint!("{question} [y/N] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
