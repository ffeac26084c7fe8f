//! `CallAnalysis`: everything Callscope knows about one call, in the shape the API returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{GeneralInfo, StageTokenUsage, TurnSentiment};
use crate::stt::Segment;

/// The full result for one call: the original service's response, extended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallAnalysis {
    /// Assigned by the store; 0 before the call is saved.
    pub call_id: i64,
    pub file_name: String,
    pub duration_ms: u64,
    pub domain: String,
    pub category: String,
    pub domain_confidence: f32,
    pub transcription: Transcription,
    /// Field name → normalised value; card numbers only as their last four digits.
    pub domain_specific_data: BTreeMap<String, serde_json::Value>,
    pub general: GeneralInfo,
    pub metrics: ConversationMetrics,
    pub turn_sentiments: Vec<TurnSentiment>,
    pub summary: String,
    pub redactions: Vec<Redaction>,
    pub token_usage: StageTokenUsage,
    /// The LLM provider and model that analysed the transcript (`offline`, `offline-rules-1`).
    pub provider: String,
    pub model: String,
    /// The speech engine and model that transcribed the call, and whether music was filtered.
    #[serde(default)]
    pub transcriber: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Why the extraction stage failed, when it did: the call keeps its transcript, detection
    /// and metrics, has no domain fields, and can be analysed again (`calls reanalyze`).
    #[serde(default)]
    pub analysis_error: Option<String>,
    /// The pair's saved prompt could not be read or made, so a generic one extracted the fields.
    #[serde(default)]
    pub generic_prompt: bool,
}

/// The transcript as stored and returned: full text plus timed segments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Transcription {
    pub text: String,
    pub segments: Vec<Segment>,
}

/// Conversation metrics measured from segment timings alone (definitions in DESIGN.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationMetrics {
    pub agent_talk_pct: f32,
    pub customer_talk_pct: f32,
    pub silence_pct: f32,
    pub longest_silence_ms: u64,
    pub overtalk_count: u32,
    pub overtalk_ms: u64,
    pub interruptions_by_agent: u32,
    pub interruptions_by_customer: u32,
    pub agent_wpm: f32,
    pub customer_wpm: f32,
    pub agent_turns: u32,
    pub customer_turns: u32,
}

/// One piece of personal or payment data replaced by a placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Redaction {
    /// `card`, `ssn`, `phone`, `email`, `date_of_birth`, `account_number`, `address`.
    #[serde(rename = "type")]
    pub kind: String,
    pub start_ms: u64,
}
