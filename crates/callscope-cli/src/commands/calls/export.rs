//! `calls export`: every matching call as JSON or CSV, oldest first, streamed page by page.

use std::io::Write;

use anyhow::Context;
use callscope::analysis::CallAnalysis;
use callscope::store::{CallFilter, CallSort, Paging, Store};

use super::{label, ExportFormat};

/// Calls read from the library at a time.
const PAGE: u32 = 500;

const CSV_HEADER: [&str; 24] = [
    "id",
    "created_at",
    "file_name",
    "duration_ms",
    "domain",
    "category",
    "domain_confidence",
    "sentiment",
    "sentiment_trend",
    "resolution",
    "agent_name",
    "customer_name",
    "call_reason",
    "summary",
    "follow_up_actions",
    "fields",
    "agent_talk_pct",
    "customer_talk_pct",
    "silence_pct",
    "overtalk_count",
    "agent_wpm",
    "customer_wpm",
    "provider",
    "transcript",
];

/// Write the calls matching `filter` in `format`; returns how many were written.
pub(crate) fn write(
    out: &mut dyn Write,
    store: &Store,
    filter: &CallFilter,
    format: ExportFormat,
) -> anyhow::Result<u64> {
    let mut written = 0u64;
    match format {
        ExportFormat::Json => write!(out, "[")?,
        ExportFormat::Csv => csv_line(out, CSV_HEADER.iter().map(|h| h.to_string()))?,
    }
    let mut paging = Paging {
        sort: CallSort::Oldest,
        limit: PAGE,
        offset: 0,
    };
    loop {
        let page = store.list_calls(filter, paging).context("listing calls")?;
        for row in &page.items {
            // A call deleted by another process since the page was read is simply skipped.
            let Some(call) = store
                .call(row.id)
                .with_context(|| format!("reading call {}", row.id))?
            else {
                continue;
            };
            match format {
                ExportFormat::Json => {
                    write!(out, "{}\n  ", if written == 0 { "" } else { "," })?;
                    serde_json::to_writer(&mut *out, &call)?;
                }
                ExportFormat::Csv => csv_line(out, csv_cells(&call).into_iter())?,
            }
            written += 1;
        }
        if !page.has_more {
            break;
        }
        paging.offset += page.items.len() as u64;
    }
    if format == ExportFormat::Json {
        writeln!(out, "{}]", if written == 0 { "" } else { "\n" })?;
    }
    Ok(written)
}

fn csv_cells(call: &CallAnalysis) -> Vec<String> {
    let g = &call.general;
    let m = &call.metrics;
    let transcript = if call.transcription.segments.is_empty() {
        call.transcription.text.clone()
    } else {
        call.transcription
            .segments
            .iter()
            .map(|s| format!("{}: {}", s.speaker.label(), s.text.trim()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    vec![
        call.call_id.to_string(),
        call.created_at.clone(),
        text(&call.file_name),
        call.duration_ms.to_string(),
        text(&call.domain),
        text(&call.category),
        call.domain_confidence.to_string(),
        label(&g.sentiment),
        label(&g.sentiment_trend),
        label(&g.resolution),
        text(g.agent_name.as_deref().unwrap_or("")),
        text(g.customer_name.as_deref().unwrap_or("")),
        text(&g.call_reason),
        text(&call.summary),
        text(&g.follow_up_actions.join("; ")),
        serde_json::Value::from(serde_json::Map::from_iter(
            call.domain_specific_data.clone(),
        ))
        .to_string(),
        m.agent_talk_pct.to_string(),
        m.customer_talk_pct.to_string(),
        m.silence_pct.to_string(),
        m.overtalk_count.to_string(),
        m.agent_wpm.to_string(),
        m.customer_wpm.to_string(),
        text(&call.provider),
        text(&transcript),
    ]
}

/// A free-text cell made safe for spreadsheets: text that starts like a formula gets a
/// leading apostrophe, so opening the export never runs anything.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// One CSV record (RFC 4180): cells with a comma, quote or line break are quoted, quotes doubled.
fn csv_line(out: &mut dyn Write, cells: impl Iterator<Item = String>) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            line.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&cell);
        }
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}
