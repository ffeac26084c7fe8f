//! `calls show`: one call as a readable report.

use std::io::{self, Write};

use callscope::call::CallAnalysis;
use callscope::store::{FieldCorrection, LiveCapture};
use callscope::stt::Speaker;

use super::{clock, label};

/// Width summaries are wrapped to.
const WRAP: usize = 96;

/// Write the report of one call: who, what, how it went, its fields, metrics, summary and
/// transcript with speaker labels and timestamps.
pub(crate) fn write_report(
    out: &mut dyn Write,
    call: &CallAnalysis,
    corrections: &[FieldCorrection],
) -> io::Result<()> {
    let g = &call.general;
    writeln!(out, "Call {} — {}", call.call_id, call.file_name)?;
    let facts = [
        (
            "Analysed",
            format!("{} by {} ({})", call.created_at, call.provider, call.model),
        ),
        ("Length", clock(call.duration_ms)),
        (
            "Domain",
            format!(
                "{} / {} ({:.0}% sure)",
                call.domain,
                call.category,
                call.domain_confidence * 100.0
            ),
        ),
        (
            "Agent",
            g.agent_name.clone().unwrap_or_else(|| "unknown".into()),
        ),
        (
            "Customer",
            g.customer_name.clone().unwrap_or_else(|| "unknown".into()),
        ),
        ("Reason", g.call_reason.clone()),
        (
            "Sentiment",
            format!("{} ({})", label(&g.sentiment), label(&g.sentiment_trend)),
        ),
        ("Resolution", label(&g.resolution)),
    ];
    for (name, value) in facts {
        writeln!(out, "  {name:<11}{value}")?;
    }

    writeln!(out)?;
    if let Some(error) = &call.analysis_error {
        writeln!(out, "Fields: not extracted: {error}")?;
        writeln!(out, "  Analyse the call again with `callscope calls reanalyze {}`.", call.call_id)?;
    } else if call.domain_specific_data.is_empty() {
        writeln!(out, "Fields: none extracted")?;
    } else {
        let corrected = |field: &str| corrections.iter().any(|c| c.field == field);
        let marked = if corrections.is_empty() {
            ""
        } else {
            " (* corrected by a user)"
        };
        let generic = if call.generic_prompt { " (with a generic prompt: the pair's own could not be read or made)" } else { "" };
        writeln!(out, "Fields{marked}{generic}")?;
        let width = call
            .domain_specific_data
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0);
        for (name, value) in &call.domain_specific_data {
            let mark = if corrected(name) { "*" } else { " " };
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writeln!(out, " {mark}{name:<width$}  {value}")?;
        }
    }
    if !g.follow_up_actions.is_empty() {
        writeln!(out, "\nFollow-up actions")?;
        for action in &g.follow_up_actions {
            writeln!(out, "  - {action}")?;
        }
    }

    let m = &call.metrics;
    writeln!(out, "\nConversation")?;
    writeln!(
        out,
        "  Talk time   agent {:.0}%, customer {:.0}%, silence {:.0}% (longest {:.1} s)",
        m.agent_talk_pct,
        m.customer_talk_pct,
        m.silence_pct,
        m.longest_silence_ms as f64 / 1000.0
    )?;
    writeln!(
        out,
        "  Overtalk    {} time(s), {:.1} s; interruptions by agent {}, by customer {}",
        m.overtalk_count,
        m.overtalk_ms as f64 / 1000.0,
        m.interruptions_by_agent,
        m.interruptions_by_customer
    )?;
    writeln!(
        out,
        "  Speed       agent {:.0} wpm, customer {:.0} wpm",
        m.agent_wpm, m.customer_wpm
    )?;
    writeln!(
        out,
        "  Turns       agent {}, customer {}",
        m.agent_turns, m.customer_turns
    )?;
    if !call.redactions.is_empty() {
        let kinds: Vec<&str> = call.redactions.iter().map(|r| r.kind.as_str()).collect();
        writeln!(
            out,
            "  Redacted    {} item(s): {}",
            kinds.len(),
            kinds.join(", ")
        )?;
    }
    let t = &call.token_usage;
    writeln!(
        out,
        "  Tokens      detection {}, analysis {}, prompt {}, total {}",
        t.stage1_transcription_and_detection.total,
        t.stage2_combined_analysis.total,
        t.prompt_generation.total,
        t.total.total
    )?;

    writeln!(out, "\nSummary")?;
    for line in wrap(&call.summary, WRAP) {
        writeln!(out, "  {line}")?;
    }

    writeln!(out, "\nTranscript")?;
    if call.transcription.segments.is_empty() {
        for line in wrap(&call.transcription.text, WRAP) {
            writeln!(out, "  {line}")?;
        }
    }
    for segment in &call.transcription.segments {
        let speaker = match segment.speaker {
            Speaker::Agent => "Agent",
            Speaker::Customer => "Customer",
            Speaker::Unknown => "Speaker",
        };
        writeln!(
            out,
            "  [{:>5}] {speaker:<8}  {}",
            clock(segment.start_ms),
            segment.text.trim()
        )?;
    }
    Ok(())
}

/// How a live call was recorded, as a few lines above its report.
pub(crate) fn write_live(out: &mut dyn Write, live: &LiveCapture) -> io::Result<()> {
    let recovered = if live.recovered { ", recovered after a crash" } else { "" };
    writeln!(out, "Recorded live at {} for {}{recovered}", live.started_at, clock(live.duration_ms))?;
    let device = |d: &Option<String>| d.clone().unwrap_or_else(|| "not captured".into());
    writeln!(out, "  Agent on {}; customer on {}", device(&live.agent_device), device(&live.customer_device))?;
    writeln!(out)
}

/// `text` broken into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
