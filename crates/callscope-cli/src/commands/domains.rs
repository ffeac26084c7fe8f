//! `callscope domains`: the domain/category pairs detection chooses from, and the extraction
//! prompt (field schema and instructions) saved for each.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use callscope::call::CatalogEntry;
use callscope::call::{ExtractionPrompt, FieldSpec};
use callscope::store::Store;
use serde::{Deserialize, Serialize};

use super::calls::{confirm, fit, ignore_broken_pipe, label, write_table};

/// Manage the domain catalog and its extraction prompts.
#[derive(Debug, clap::Subcommand)]
pub enum DomainsCommand {
    /// List every domain/category pair and whether a prompt is saved for it.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a pair's description and saved extraction prompt (fields and instructions).
    Show {
        domain: String,
        category: String,
        /// Print the prompt as JSON (the format `edit --file` reads).
        #[arg(long)]
        json: bool,
    },
    /// Add or change a pair: its description, or its prompt from a JSON file.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["file", "description"])))]
    Edit {
        domain: String,
        category: String,
        /// JSON with `fields` (name, kind, description) and `instructions`, as `show --json` prints.
        #[arg(long, value_name = "JSON")]
        file: Option<PathBuf>,
        /// What calls of this pair are about (helps detection choose it).
        #[arg(long)]
        description: Option<String>,
    },
    /// Remove a pair and its saved prompt (calls already analysed keep their domain).
    Delete {
        domain: String,
        category: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// A pair as `list --json` prints it.
#[derive(Serialize)]
struct ListedPair<'a> {
    #[serde(flatten)]
    entry: &'a CatalogEntry,
    has_prompt: bool,
}

/// What `edit --file` accepts; the pair may be repeated in the file but must then match.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PromptFile {
    domain: Option<String>,
    category: Option<String>,
    fields: Vec<FieldSpec>,
    instructions: Option<String>,
}

/// Run a `domains` subcommand against the library, printing to standard output.
pub fn run(cmd: DomainsCommand, store: &mut Store) -> anyhow::Result<()> {
    ignore_broken_pipe(run_to(cmd, store, &mut io::stdout().lock()))
}

fn run_to(cmd: DomainsCommand, store: &mut Store, out: &mut dyn Write) -> anyhow::Result<()> {
    match cmd {
        DomainsCommand::List { json } => {
            let catalog = store.catalog().context("reading the domain catalog")?;
            let prompts = store.list_prompts().context("reading the saved prompts")?;
            let has_prompt = |e: &CatalogEntry| {
                prompts
                    .iter()
                    .any(|p| p.domain == e.domain && p.category == e.category)
            };
            if json {
                let listed: Vec<ListedPair> = catalog
                    .entries
                    .iter()
                    .map(|entry| ListedPair {
                        entry,
                        has_prompt: has_prompt(entry),
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut *out, &listed)?;
                writeln!(out)?;
            } else {
                let rows: Vec<Vec<String>> = catalog
                    .entries
                    .iter()
                    .map(|e| {
                        let prompt = if has_prompt(e) { "saved" } else { "—" };
                        vec![
                            e.domain.clone(),
                            e.category.clone(),
                            prompt.into(),
                            fit(&e.description, 70),
                        ]
                    })
                    .collect();
                write_table(
                    &mut *out,
                    &["DOMAIN", "CATEGORY", "PROMPT", "DESCRIPTION"],
                    &rows,
                )?;
            }
        }
        DomainsCommand::Show {
            domain,
            category,
            json,
        } => {
            let entry = store
                .catalog()
                .context("reading the domain catalog")?
                .entries
                .into_iter()
                .find(|e| e.domain == domain && e.category == category);
            let prompt = store
                .prompt(&domain, &category)
                .context("reading the saved prompt")?;
            if entry.is_none() && prompt.is_none() {
                bail!("{domain}/{category} is not in the catalog; see `callscope domains list`");
            }
            if json {
                match &prompt {
                    Some(prompt) => serde_json::to_writer_pretty(&mut *out, prompt)?,
                    None => write!(out, "null")?,
                }
                writeln!(out)?;
            } else {
                write_prompt(
                    &mut *out,
                    &domain,
                    &category,
                    entry.as_ref(),
                    prompt.as_ref(),
                )?;
            }
        }
        DomainsCommand::Edit {
            domain,
            category,
            file,
            description,
        } => {
            if let Some(description) = description {
                let entry = CatalogEntry {
                    domain: domain.clone(),
                    category: category.clone(),
                    description,
                };
                if store
                    .catalog()
                    .context("reading the domain catalog")?
                    .contains(&domain, &category)
                {
                    store
                        .update_domain(&entry)
                        .with_context(|| format!("updating {domain}/{category}"))?;
                } else {
                    store
                        .add_domain(&entry)
                        .with_context(|| format!("adding {domain}/{category}"))?;
                }
                writeln!(out, "Saved the description of {domain}/{category}.")?;
            }
            if let Some(path) = file {
                let prompt = read_prompt_file(&path, &domain, &category, store)?;
                let count = prompt.fields.len();
                store
                    .save_prompt(&prompt)
                    .with_context(|| format!("saving the prompt of {domain}/{category}"))?;
                writeln!(
                    out,
                    "Saved the prompt of {domain}/{category} ({count} field(s))."
                )?;
            }
        }
        DomainsCommand::Delete {
            domain,
            category,
            yes,
        } => {
            if !yes
                && !confirm(&format!(
                    "Remove {domain}/{category} and its saved prompt from the catalog?"
                ))?
            {
                writeln!(out, "Nothing deleted.")?;
                return Ok(());
            }
            store
                .delete_domain(&domain, &category)
                .with_context(|| format!("removing {domain}/{category}"))?;
            writeln!(out, "Removed {domain}/{category} from the catalog.")?;
        }
    }
    Ok(())
}

/// Read and check a prompt file for the pair; missing instructions keep the saved ones.
fn read_prompt_file(
    path: &std::path::Path,
    domain: &str,
    category: &str,
    store: &Store,
) -> anyhow::Result<ExtractionPrompt> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: PromptFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a prompt file: it needs \"fields\" (each with name, kind, description) \
             and may have \"instructions\"",
            path.display()
        )
    })?;
    for (given, expected, what) in [
        (&file.domain, domain, "domain"),
        (&file.category, category, "category"),
    ] {
        if let Some(given) = given.as_deref().filter(|g| *g != expected) {
            bail!(
                "{} is for {what} {given:?}, not {expected:?}",
                path.display()
            );
        }
    }
    let instructions = match file.instructions {
        Some(instructions) => instructions,
        None => store
            .prompt(domain, category)
            .context("reading the saved prompt")?
            .map(|p| p.instructions)
            .unwrap_or_default(),
    };
    Ok(ExtractionPrompt {
        domain: domain.to_string(),
        category: category.to_string(),
        fields: file.fields,
        instructions,
    })
}

fn write_prompt(
    out: &mut dyn Write,
    domain: &str,
    category: &str,
    entry: Option<&CatalogEntry>,
    prompt: Option<&ExtractionPrompt>,
) -> io::Result<()> {
    writeln!(out, "{domain} / {category}")?;
    match entry {
        Some(entry) if !entry.description.is_empty() => writeln!(out, "  {}", entry.description)?,
        Some(_) => {}
        None => writeln!(out, "  (not in the catalog: detection will not choose it)")?,
    }
    let Some(prompt) = prompt else {
        return writeln!(
            out,
            "\nNo extraction prompt saved yet; one is written the first time a call of this pair is analysed."
        );
    };
    writeln!(out, "\nFields")?;
    let rows: Vec<Vec<String>> = prompt
        .fields
        .iter()
        .map(|f| {
            vec![
                format!("  {}", f.name),
                label(&f.kind),
                f.description.clone(),
            ]
        })
        .collect();
    write_table(out, &["  NAME", "KIND", "DESCRIPTION"], &rows)?;
    writeln!(out, "\nInstructions")?;
    for line in prompt.instructions.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}
