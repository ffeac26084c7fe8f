//! Facts every call has, whatever its domain: names, sentiment, outcome.

use serde::{Deserialize, Serialize};

/// Overall feeling of a call or a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    Positive,
    Neutral,
    Negative,
}

/// How the customer's sentiment moved from the first third of the call to the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum SentimentTrend {
    Improving,
    Stable,
    Declining,
}

/// How the call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Resolved,
    Unresolved,
    Escalated,
    FollowUp,
}

/// Sentiment of one transcript segment, by index into the transcript's segments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TurnSentiment {
    pub segment: usize,
    pub start_ms: u64,
    /// −1 (very negative) … 1 (very positive).
    pub score: f32,
}

/// Facts every call has, whatever its domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GeneralInfo {
    pub agent_name: Option<String>,
    pub customer_name: Option<String>,
    pub sentiment: Sentiment,
    pub sentiment_trend: SentimentTrend,
    pub resolution: Resolution,
    pub call_reason: String,
    pub follow_up_actions: Vec<String>,
}
