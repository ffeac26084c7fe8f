//! `callscope calls stats`: LLM tokens and their estimated cost per call, day or domain.

use std::io::{self, Write};

use callscope::store::{UsageReport, UsageRow};

use super::write_table;

/// How `calls stats` groups calls.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GroupArg {
    Call,
    Day,
    Domain,
}

impl From<GroupArg> for callscope::store::UsageGrouping {
    fn from(group: GroupArg) -> Self {
        match group {
            GroupArg::Call => callscope::store::UsageGrouping::Call,
            GroupArg::Day => callscope::store::UsageGrouping::Day,
            GroupArg::Domain => callscope::store::UsageGrouping::Domain,
        }
    }
}

/// The report as a table with its total, and a word on what the cost leaves out.
pub fn write_usage(out: &mut dyn Write, report: &UsageReport) -> io::Result<()> {
    if report.rows.is_empty() {
        return writeln!(out, "No calls match.");
    }
    let cells = |r: &UsageRow| {
        vec![
            r.label.clone(),
            r.calls.to_string(),
            r.input_tokens.to_string(),
            r.output_tokens.to_string(),
            r.total_tokens.to_string(),
            format!("${:.4}", r.cost_usd),
        ]
    };
    let mut rows: Vec<Vec<String>> = report.rows.iter().map(cells).collect();
    rows.push(cells(&report.total));
    let first = match report.grouping {
        callscope::store::UsageGrouping::Call => "CALL",
        callscope::store::UsageGrouping::Day => "DAY",
        callscope::store::UsageGrouping::Domain => "DOMAIN",
    };
    write_table(out, &[first, "CALLS", "INPUT TOKENS", "OUTPUT TOKENS", "TOTAL TOKENS", "COST (USD, est.)"], &rows)?;
    if !report.total.unpriced_models.is_empty() {
        writeln!(
            out,
            "No price is known for {}; counted as free. Add one with `callscope config set prices \"MODEL=INPUT/OUTPUT\"` (US dollars per million tokens).",
            report.total.unpriced_models.join(", ")
        )?;
    }
    Ok(())
}
