//! Rebuilding a `CallAnalysis` from its rows.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::{Map, Value};

use crate::call::{CallAnalysis, ConversationMetrics, StageTokenUsage, Transcription};
use crate::call::{GeneralInfo, TokenUsage};
use crate::stt::Segment;

use super::codec::{from_json, from_label, speaker_from_label, uint};
use super::StoreError;

/// A call as saved, with what the library keeps beside the analysis.
pub(crate) struct StoredCall {
    pub analysis: CallAnalysis,
    pub uuid: String,
    pub origin: String,
    pub updated_at: String,
    /// Field name → `{original, corrected, corrected_at}`.
    pub corrected: Map<String, Value>,
}

/// The `general` columns in text form, before enums and JSON are decoded.
struct GeneralRow {
    analysis: CallAnalysis,
    sentiment: String,
    sentiment_trend: String,
    resolution: String,
    follow_up_actions: String,
    turn_sentiments: String,
    redactions: String,
    uuid: String,
    origin: String,
    updated_at: String,
    data: String,
    corrected: String,
}

/// Load one call, or `None` when no call has this id.
pub(crate) fn read_call(
    conn: &Connection,
    path: &Path,
    id: i64,
) -> Result<Option<StoredCall>, StoreError> {
    let fail = |e| StoreError::from_sqlite(path, e);
    let row = conn
        .prepare_cached(
            "SELECT g.*, d.data AS ds_data, d.corrected_fields AS ds_corrected
             FROM general g LEFT JOIN domain_specific d ON d.call_id = g.id
             WHERE g.id = ?1",
        )
        .and_then(|mut stmt| stmt.query_row([id], read_general).optional())
        .map_err(fail)?;
    let Some(row) = row else { return Ok(None) };

    let segments = conn
        .prepare_cached(
            "SELECT start_ms, end_ms, speaker, text, confidence FROM segments
             WHERE call_id = ?1 ORDER BY idx",
        )
        .and_then(|mut stmt| {
            stmt.query_map([id], |r| {
                Ok((
                    uint(r, "start_ms")?,
                    uint(r, "end_ms")?,
                    r.get::<_, String>("speaker")?,
                    r.get::<_, String>("text")?,
                    r.get::<_, f32>("confidence")?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(fail)?
        .into_iter()
        .map(|(start_ms, end_ms, speaker, text, confidence)| {
            Ok(Segment {
                start_ms,
                end_ms,
                speaker: speaker_from_label(path, &speaker)?,
                text,
                confidence,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;

    let mut analysis = row.analysis;
    analysis.transcription.segments = segments;
    analysis.general.sentiment = from_label(path, "sentiment", &row.sentiment)?;
    analysis.general.sentiment_trend = from_label(path, "sentiment trend", &row.sentiment_trend)?;
    analysis.general.resolution = from_label(path, "resolution", &row.resolution)?;
    analysis.general.follow_up_actions =
        from_json(path, "follow-up actions", &row.follow_up_actions)?;
    analysis.turn_sentiments = from_json(path, "turn sentiments", &row.turn_sentiments)?;
    analysis.redactions = from_json(path, "redactions", &row.redactions)?;
    analysis.domain_specific_data =
        from_json::<BTreeMap<String, Value>>(path, "domain fields", &row.data)?;
    Ok(Some(StoredCall {
        analysis,
        uuid: row.uuid,
        origin: row.origin,
        updated_at: row.updated_at,
        corrected: from_json(path, "corrections", &row.corrected)?,
    }))
}

fn read_general(r: &Row) -> rusqlite::Result<GeneralRow> {
    let tokens = |input: &str, output: &str| -> rusqlite::Result<TokenUsage> {
        Ok(TokenUsage {
            input: uint(r, input)?,
            output: uint(r, output)?,
        })
    };
    let stage1 = tokens("stage1_input_tokens", "stage1_output_tokens")?;
    let stage2 = tokens("stage2_input_tokens", "stage2_output_tokens")?;
    let prompt = tokens(
        "prompt_generation_input_tokens",
        "prompt_generation_output_tokens",
    )?;
    let analysis = CallAnalysis {
        call_id: r.get("id")?,
        file_name: r.get("file_name")?,
        duration_ms: uint(r, "duration_ms")?,
        domain: r.get("domain")?,
        category: r.get("category")?,
        domain_confidence: r.get("domain_confidence")?,
        transcription: Transcription {
            text: r.get("transcript_text")?,
            segments: Vec::new(),
        },
        domain_specific_data: BTreeMap::new(),
        general: GeneralInfo {
            agent_name: r.get("agent_name")?,
            customer_name: r.get("customer_name")?,
            // Decoded from their labels by the caller.
            sentiment: crate::call::Sentiment::Neutral,
            sentiment_trend: crate::call::SentimentTrend::Stable,
            resolution: crate::call::Resolution::Unresolved,
            call_reason: r.get("call_reason")?,
            follow_up_actions: Vec::new(),
        },
        metrics: ConversationMetrics {
            agent_talk_pct: r.get("agent_talk_pct")?,
            customer_talk_pct: r.get("customer_talk_pct")?,
            silence_pct: r.get("silence_pct")?,
            longest_silence_ms: uint(r, "longest_silence_ms")?,
            overtalk_count: r.get("overtalk_count")?,
            overtalk_ms: uint(r, "overtalk_ms")?,
            interruptions_by_agent: r.get("interruptions_by_agent")?,
            interruptions_by_customer: r.get("interruptions_by_customer")?,
            agent_wpm: r.get("agent_wpm")?,
            customer_wpm: r.get("customer_wpm")?,
            agent_turns: r.get("agent_turns")?,
            customer_turns: r.get("customer_turns")?,
        },
        turn_sentiments: Vec::new(),
        summary: r.get("summary")?,
        redactions: Vec::new(),
        token_usage: StageTokenUsage::from_stages(stage1, stage2, prompt),
        provider: r.get("provider")?,
        model: r.get("model")?,
        transcriber: r.get("transcriber")?,
        created_at: r.get("created_at")?,
        analysis_error: r.get("analysis_error")?,
        generic_prompt: r.get("generic_prompt")?,
    };
    Ok(GeneralRow {
        analysis,
        sentiment: r.get("sentiment")?,
        sentiment_trend: r.get("sentiment_trend")?,
        resolution: r.get("resolution")?,
        follow_up_actions: r.get("follow_up_actions")?,
        turn_sentiments: r.get("turn_sentiments")?,
        redactions: r.get("redactions")?,
        uuid: r.get("uuid")?,
        origin: r.get("origin")?,
        updated_at: r.get("updated_at")?,
        data: r
            .get::<_, Option<String>>("ds_data")?
            .unwrap_or_else(|| "{}".into()),
        corrected: r
            .get::<_, Option<String>>("ds_corrected")?
            .unwrap_or_else(|| "{}".into()),
    })
}
