//! The original service's answer to `POST /api/transcribe/`, kept key for key so its clients
//! work unchanged, extended with what Callscope adds.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{CallAnalysis, ConversationMetrics, GeneralInfo, Redaction, Sentiment, StageTokenUsage, TurnSentiment};
use crate::stt::Segment;

/// One analysed call in the original service's shape: `filename`, `domain`, `category`,
/// `sentiment`, `transcription` (the text), `domain_specific_data`, `general_metrics` and
/// `token_usage` as it answered them, then Callscope's own fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceResponse {
    pub filename: String,
    pub domain: String,
    pub category: String,
    pub sentiment: Sentiment,
    /// The whole transcript as one text; `segments` has it timed and by speaker.
    pub transcription: String,
    pub domain_specific_data: BTreeMap<String, serde_json::Value>,
    /// Names, sentiment and trend, resolution, reason and follow-ups (the original's `general` row).
    pub general_metrics: GeneralInfo,
    pub token_usage: StageTokenUsage,
    /// The call's id in the library (`GET /api/calls/{call_id}`).
    pub call_id: i64,
    pub segments: Vec<Segment>,
    /// Talk time, silence, overtalk and speed, measured from the segments.
    pub metrics: ConversationMetrics,
    pub summary: String,
    pub duration_ms: u64,
    pub domain_confidence: f32,
    pub turn_sentiments: Vec<TurnSentiment>,
    pub redactions: Vec<Redaction>,
    pub provider: String,
    pub model: String,
    pub transcriber: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Why the fields could not be extracted, when they could not (the call is stored anyway).
    pub analysis_error: Option<String>,
}

impl From<CallAnalysis> for ServiceResponse {
    fn from(call: CallAnalysis) -> Self {
        ServiceResponse {
            filename: call.file_name,
            domain: call.domain,
            category: call.category,
            sentiment: call.general.sentiment,
            transcription: call.transcription.text,
            domain_specific_data: call.domain_specific_data,
            general_metrics: call.general,
            token_usage: call.token_usage,
            call_id: call.call_id,
            segments: call.transcription.segments,
            metrics: call.metrics,
            summary: call.summary,
            duration_ms: call.duration_ms,
            domain_confidence: call.domain_confidence,
            turn_sentiments: call.turn_sentiments,
            redactions: call.redactions,
            provider: call.provider,
            model: call.model,
            transcriber: call.transcriber,
            created_at: call.created_at,
            analysis_error: call.analysis_error,
        }
    }
}
