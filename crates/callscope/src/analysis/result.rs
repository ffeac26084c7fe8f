//! `CallAnalysis`: everything Callscope knows about one call, in the shape the API returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::llm::{GeneralInfo, TokenUsage, TurnSentiment};
use crate::stt::Segment;

/// The full result for one call: the original service's response, extended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub provider: String,
    pub model: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// The transcript as stored and returned: full text plus timed segments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcription {
    pub text: String,
    pub segments: Vec<Segment>,
}

/// Conversation metrics measured from segment timings alone (definitions in DESIGN.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
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
pub struct Redaction {
    /// `card`, `ssn`, `phone`, `email`, `date_of_birth`, `account_number`, `address`.
    #[serde(rename = "type")]
    pub kind: String,
    pub start_ms: u64,
}

/// Token usage in the original service's stage names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTokenUsage {
    pub stage1_transcription_and_detection: StageTokens,
    pub stage2_combined_analysis: StageTokens,
    pub prompt_generation: StageTokens,
    pub total: StageTokens,
}

/// Tokens of one stage, with their sum spelled out as the original API did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTokens {
    pub input: u64,
    pub output: u64,
    pub total: u64,
}

impl From<TokenUsage> for StageTokens {
    fn from(u: TokenUsage) -> Self {
        StageTokens { input: u.input, output: u.output, total: u.total() }
    }
}

impl StageTokenUsage {
    /// Build the per-stage record and its total from the three stages' usage.
    pub fn from_stages(detection: TokenUsage, analysis: TokenUsage, prompt: TokenUsage) -> Self {
        StageTokenUsage {
            stage1_transcription_and_detection: detection.into(),
            stage2_combined_analysis: analysis.into(),
            prompt_generation: prompt.into(),
            total: (detection + analysis + prompt).into(),
        }
    }
}
