//! One CSV row per call (RFC 4180), safe to open in a spreadsheet.

use crate::call::CallAnalysis;

/// The columns of a CSV export, in order.
pub const CSV_HEADER: [&str; 24] = [
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

/// One CSV record ending in CRLF: cells with a comma, quote or line break are quoted and their
/// quotes doubled.
pub fn csv_record<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut line = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        let cell = cell.as_ref();
        if i > 0 {
            line.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(cell);
        }
    }
    line.push_str("\r\n");
    line
}

/// The cells of a call in `CSV_HEADER` order.
pub(super) fn call_cells(call: &CallAnalysis) -> Vec<String> {
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
    let fields = serde_json::Value::from(serde_json::Map::from_iter(
        call.domain_specific_data.clone(),
    ));
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
        text(&fields.to_string()),
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

/// A free-text cell made safe for spreadsheets: text that starts like a formula gets a leading
/// apostrophe, so opening the export never runs anything.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// An engine enum's lowercase label, as in the JSON.
fn label<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_commas_quotes_or_line_breaks_are_quoted_and_quotes_doubled() {
        let line = csv_record(["plain", "a, b", "she said \"hi\"", "one\ntwo", "cr\rlf"]);
        assert_eq!(
            line,
            "plain,\"a, b\",\"she said \"\"hi\"\"\",\"one\ntwo\",\"cr\rlf\"\r\n"
        );
    }

    #[test]
    fn an_empty_record_is_just_a_line_end() {
        assert_eq!(csv_record(Vec::<String>::new()), "\r\n");
        assert_eq!(csv_record(["", ""]), ",\r\n");
    }

    #[test]
    fn text_that_looks_like_a_formula_is_neutralised() {
        for risky in ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"] {
            assert_eq!(text(risky), format!("'{risky}"), "{risky:?}");
        }
        assert_eq!(text("Refund approved"), "Refund approved");
        assert_eq!(text("a=b"), "a=b");
    }

    #[test]
    fn a_formula_in_a_summary_reaches_the_file_neutralised_and_quoted() {
        let cells = [text("=1+2, then call back")];
        assert_eq!(csv_record(cells), "\"'=1+2, then call back\"\r\n");
    }
}
