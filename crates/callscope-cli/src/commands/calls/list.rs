//! `calls list` and search hits as a table.

use std::io::{self, Write};

use callscope::store::{CallRow, Page};

use super::{clock, fit, label, write_table};

pub(super) fn write_list(out: &mut dyn Write, page: &Page<CallRow>) -> io::Result<()> {
    if page.items.is_empty() {
        return writeln!(out, "No calls match.");
    }
    let rows: Vec<Vec<String>> = page.items.iter().map(row_cells).collect();
    write_table(
        out,
        &[
            "ID",
            "DATE",
            "LENGTH",
            "DOMAIN / CATEGORY",
            "SENTIMENT",
            "RESOLUTION",
            "AGENT",
            "CUSTOMER",
            "SUMMARY",
        ],
        &rows,
    )?;
    if page.has_more {
        let next = page.offset + page.items.len() as u64;
        writeln!(out, "More calls follow: add --offset {next}.")?;
    }
    Ok(())
}

/// The cells of a call in list order: id, date, length, domain/category, sentiment,
/// resolution, agent, customer, summary.
pub(super) fn row_cells(row: &CallRow) -> Vec<String> {
    vec![
        row.id.to_string(),
        row.created_at
            .get(..10)
            .unwrap_or(&row.created_at)
            .to_string(),
        clock(row.duration_ms),
        fit(&format!("{} / {}", row.domain, row.category), 40),
        label(&row.sentiment),
        label(&row.resolution),
        fit(row.agent_name.as_deref().unwrap_or("—"), 20),
        fit(row.customer_name.as_deref().unwrap_or("—"), 20),
        fit(&row.summary_snippet, 60),
    ]
}
