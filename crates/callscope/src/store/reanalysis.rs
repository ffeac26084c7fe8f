//! Replacing a stored call's analysis with a new one of the same transcript (`calls reanalyze`,
//! the call screen's Re-analyse): what the provider found changes; the recording, transcript,
//! redactions, metrics, corrections and identity stay.

use rusqlite::{params, OptionalExtension};

use crate::call::CallAnalysis;

use super::codec::{int, label, to_json};
use super::outbox::{enqueue, OutboxEntity, OutboxOp};
use super::{clock, Store, StoreError};

const UPDATE_GENERAL: &str = "UPDATE general SET
    domain = ?2, category = ?3, domain_confidence = ?4,
    sentiment = ?5, sentiment_trend = ?6, resolution = ?7,
    agent_name = ?8, customer_name = ?9, call_reason = ?10, follow_up_actions = ?11,
    summary = ?12, turn_sentiments = ?13, provider = ?14, model = ?15,
    stage1_input_tokens = ?16, stage1_output_tokens = ?17,
    stage2_input_tokens = ?18, stage2_output_tokens = ?19,
    prompt_generation_input_tokens = ?20, prompt_generation_output_tokens = ?21,
    analysis_error = ?22, generic_prompt = ?23, updated_at = ?24
WHERE id = ?1";

impl Store {
    /// Put `analysis` in place of call `id`'s findings: detection, fields, general facts,
    /// summary, provider, tokens and outcome (an error, a generic prompt). Fields a user
    /// corrected stay corrected. One transaction, queued for sync.
    pub fn replace_analysis(&mut self, id: i64, analysis: &CallAnalysis) -> Result<(), StoreError> {
        if !analysis.domain_confidence.is_finite() || analysis.turn_sentiments.iter().any(|t| !t.score.is_finite()) {
            return Err(StoreError::invalid("call", format!("the new analysis of {} has a value that is not a number", analysis.file_name)));
        }
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let g = &analysis.general;
        let t = &analysis.token_usage;
        let follow_ups = to_json("follow-up actions", &g.follow_up_actions)?;
        let turn_sentiments = to_json("turn sentiments", &analysis.turn_sentiments)?;
        let fields = to_json("fields", &analysis.domain_specific_data)?;
        let tx = self.conn.transaction().map_err(fail)?;
        let uuid: String = tx
            .query_row("SELECT uuid FROM general WHERE id = ?1", [id], |row| row.get(0))
            .optional()
            .map_err(fail)?
            .ok_or(StoreError::CallNotFound { id })?;
        tx.execute(
            UPDATE_GENERAL,
            params![
                id,
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
                turn_sentiments,
                analysis.provider,
                analysis.model,
                int(t.stage1_transcription_and_detection.input),
                int(t.stage1_transcription_and_detection.output),
                int(t.stage2_combined_analysis.input),
                int(t.stage2_combined_analysis.output),
                int(t.prompt_generation.input),
                int(t.prompt_generation.output),
                analysis.analysis_error,
                analysis.generic_prompt,
                clock::now_rfc3339(),
            ],
        )
        .map_err(fail)?;
        tx.execute(
            "INSERT INTO domain_specific (call_id, data) VALUES (?1, ?2)
             ON CONFLICT (call_id) DO UPDATE SET data = excluded.data",
            params![id, fields],
        )
        .map_err(fail)?;
        enqueue(&tx, OutboxEntity::Call, &uuid, OutboxOp::Upsert, None).map_err(fail)?;
        tx.commit().map_err(fail)
    }
}
