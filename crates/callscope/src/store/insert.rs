//! Writing one new call: its row in `general`, fields, segments, search entry and outbox row.

use std::path::Path;

use rusqlite::{params, Connection};

use crate::call::CallAnalysis;

use super::codec::{int, label, to_json};
use super::outbox::{enqueue, OutboxEntity, OutboxOp};
use super::schema::REINDEX_CALL;
use super::{clock, StoreError};

/// Positional parameters (named ones cost a lookup each, which shows in bulk inserts); each
/// line of values binds the columns on the same line of the column list.
const INSERT_GENERAL: &str = "INSERT INTO general (
    uuid, origin, file_name, audio_path, duration_ms,
    domain, category, domain_confidence,
    sentiment, sentiment_trend, resolution,
    agent_name, customer_name, call_reason, follow_up_actions,
    summary, transcript_text, turn_sentiments, redactions,
    provider, model, transcriber, analysis_error, generic_prompt,
    stage1_input_tokens, stage1_output_tokens, stage2_input_tokens, stage2_output_tokens,
    prompt_generation_input_tokens, prompt_generation_output_tokens,
    agent_talk_pct, customer_talk_pct, silence_pct, longest_silence_ms,
    overtalk_count, overtalk_ms, interruptions_by_agent, interruptions_by_customer,
    agent_wpm, customer_wpm, agent_turns, customer_turns,
    created_at, created_ms, updated_at
) VALUES (
    ?1, 'local', ?2, ?3, ?4,
    ?5, ?6, ?7,
    ?8, ?9, ?10,
    ?11, ?12, ?13, ?14,
    ?15, ?16, ?17, ?18,
    ?19, ?20, ?42, ?43, ?44,
    ?21, ?22, ?23, ?24,
    ?25, ?26,
    ?27, ?28, ?29, ?30,
    ?31, ?32, ?33, ?34,
    ?35, ?36, ?37, ?38,
    ?39, ?40, ?41
)";

/// Write one call inside an open transaction; returns its id.
pub(crate) fn insert_in(
    conn: &Connection,
    path: &Path,
    analysis: &CallAnalysis,
    audio_path: Option<&Path>,
) -> Result<i64, StoreError> {
    let fail = |e| StoreError::from_sqlite(path, e);
    check_finite(analysis)?;
    let now = clock::now_rfc3339();
    let created_at = if analysis.created_at.trim().is_empty() {
        now.clone()
    } else {
        analysis.created_at.clone()
    };
    let created_ms = clock::unix_ms(&created_at)?;
    let uuid = uuid::Uuid::new_v4().to_string();
    let g = &analysis.general;
    let m = &analysis.metrics;
    let t = &analysis.token_usage;
    let follow_ups = to_json("follow-up actions", &g.follow_up_actions)?;
    let turn_sentiments = to_json("turn sentiments", &analysis.turn_sentiments)?;
    let redactions = to_json("redactions", &analysis.redactions)?;
    let fields = to_json("fields", &analysis.domain_specific_data)?;
    let audio = audio_path.map(|p| p.to_string_lossy().into_owned());
    conn.prepare_cached(INSERT_GENERAL)
        .and_then(|mut stmt| {
            stmt.execute(params![
                uuid,
                analysis.file_name,
                audio,
                int(analysis.duration_ms),
                analysis.domain,
                analysis.category,
                analysis.domain_confidence,
                label(&g.sentiment),
                label(&g.sentiment_trend),
                label(&g.resolution),
                g.agent_name,
                g.customer_name,
                g.call_reason,
                follow_ups,
                analysis.summary,
                analysis.transcription.text,
                turn_sentiments,
                redactions,
                analysis.provider,
                analysis.model,
                int(t.stage1_transcription_and_detection.input),
                int(t.stage1_transcription_and_detection.output),
                int(t.stage2_combined_analysis.input),
                int(t.stage2_combined_analysis.output),
                int(t.prompt_generation.input),
                int(t.prompt_generation.output),
                m.agent_talk_pct,
                m.customer_talk_pct,
                m.silence_pct,
                int(m.longest_silence_ms),
                m.overtalk_count,
                int(m.overtalk_ms),
                m.interruptions_by_agent,
                m.interruptions_by_customer,
                m.agent_wpm,
                m.customer_wpm,
                m.agent_turns,
                m.customer_turns,
                created_at,
                created_ms,
                now,
                analysis.transcriber,
                analysis.analysis_error,
                analysis.generic_prompt,
            ])
        })
        .map_err(fail)?;
    let id = conn.last_insert_rowid();

    conn.prepare_cached("INSERT INTO domain_specific (call_id, data) VALUES (?1, ?2)")
        .and_then(|mut stmt| stmt.execute(params![id, fields]))
        .map_err(fail)?;
    {
        let mut segment = conn
            .prepare_cached(
                "INSERT INTO segments (call_id, idx, start_ms, end_ms, speaker, text, confidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(fail)?;
        for (idx, s) in analysis.transcription.segments.iter().enumerate() {
            segment
                .execute(params![
                    id,
                    int(idx as u64),
                    int(s.start_ms),
                    int(s.end_ms),
                    s.speaker.label(),
                    s.text,
                    s.confidence
                ])
                .map_err(fail)?;
        }
    }
    conn.prepare_cached(REINDEX_CALL)
        .and_then(|mut stmt| stmt.execute([id]))
        .map_err(fail)?;

    // The payload is read when the entry is sent (see `call_payload`): the outbox stays small
    // and always carries the call's latest state.
    enqueue(conn, OutboxEntity::Call, &uuid, OutboxOp::Upsert, None).map_err(fail)?;
    Ok(id)
}

/// SQLite stores NaN as NULL and JSON has no NaN, so a non-finite number would be lost or make
/// the call unreadable; refuse it with the field's name instead.
fn check_finite(analysis: &CallAnalysis) -> Result<(), StoreError> {
    let m = &analysis.metrics;
    let named = [
        ("domain_confidence", analysis.domain_confidence),
        ("agent_talk_pct", m.agent_talk_pct),
        ("customer_talk_pct", m.customer_talk_pct),
        ("silence_pct", m.silence_pct),
        ("agent_wpm", m.agent_wpm),
        ("customer_wpm", m.customer_wpm),
    ];
    let segments = analysis
        .transcription
        .segments
        .iter()
        .map(|s| ("segment confidence", s.confidence));
    let turns = analysis
        .turn_sentiments
        .iter()
        .map(|t| ("turn sentiment score", t.score));
    match named
        .into_iter()
        .chain(segments)
        .chain(turns)
        .find(|(_, v)| !v.is_finite())
    {
        Some((name, value)) => Err(StoreError::invalid(
            "call",
            format!(
                "{name} of {} is {value}, not a number that can be saved",
                analysis.file_name
            ),
        )),
        None => Ok(()),
    }
}
