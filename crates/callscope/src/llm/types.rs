//! The values providers exchange with the pipeline, whatever the provider.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Tokens one LLM call consumed. The offline provider reports zeros: it uses no model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    pub input: u64,
    pub output: u64,
}

impl TokenUsage {
    /// Input plus output tokens.
    pub fn total(&self) -> u64 {
        self.input + self.output
    }
}

impl std::ops::Add for TokenUsage {
    type Output = TokenUsage;
    fn add(self, rhs: TokenUsage) -> TokenUsage {
        TokenUsage { input: self.input + rhs.input, output: self.output + rhs.output }
    }
}

/// A provider's answer together with what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion<T> {
    pub value: T,
    pub usage: TokenUsage,
}

/// The call's subject: a domain (industry) and a category (reason type) within it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub domain: String,
    pub category: String,
    /// 0…1; how sure the provider is.
    pub confidence: f32,
}

/// The type of value a field holds, which decides how it is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text (a name, a product, a reason).
    Text,
    /// Digits and letters without spaces: policy, claim, order, account numbers.
    Identifier,
    /// ISO `YYYY-MM-DD`.
    Date,
    /// `HH:MM`, 24-hour.
    Time,
    /// A number of currency units, e.g. `412.6`.
    Money,
    /// A plain number.
    Number,
    /// Yes or no.
    Boolean,
    /// Last four digits of a payment card; the full number is never kept.
    CardLastFour,
}

/// One field an extraction prompt asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    pub kind: FieldKind,
    pub description: String,
}

/// The saved extraction prompt of one domain/category pair: its field schema and, for LLM
/// providers, the instruction text built from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionPrompt {
    pub domain: String,
    pub category: String,
    pub fields: Vec<FieldSpec>,
    pub instructions: String,
}

/// Overall feeling of a call or a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    Positive,
    Neutral,
    Negative,
}

/// How the customer's sentiment moved from the first third of the call to the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentimentTrend {
    Improving,
    Stable,
    Declining,
}

/// How the call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Resolved,
    Unresolved,
    Escalated,
    FollowUp,
}

/// Sentiment of one transcript segment, by index into the transcript's segments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TurnSentiment {
    pub segment: usize,
    pub start_ms: u64,
    /// −1 (very negative) … 1 (very positive).
    pub score: f32,
}

/// Facts every call has, whatever its domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneralInfo {
    pub agent_name: Option<String>,
    pub customer_name: Option<String>,
    pub sentiment: Sentiment,
    pub sentiment_trend: SentimentTrend,
    pub resolution: Resolution,
    pub call_reason: String,
    pub follow_up_actions: Vec<String>,
}

/// Stage 2's result: domain-specific fields, general facts, per-turn sentiment and a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Field name → normalised value (see `FieldKind`); missing fields are absent.
    pub fields: BTreeMap<String, serde_json::Value>,
    pub general: GeneralInfo,
    pub turn_sentiments: Vec<TurnSentiment>,
    pub summary: String,
}

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("{provider} could not be reached: {detail}. Check the network or switch to the offline analyzer in settings.")]
    Unreachable { provider: String, detail: String },
    #[error("{provider} rejected the API key. Enter a valid key in settings.")]
    Unauthorized { provider: String },
    #[error("{provider} returned an answer Callscope could not read: {detail}")]
    BadResponse { provider: String, detail: String },
    #[error("{provider} refused the request: {detail}")]
    Rejected { provider: String, detail: String },
    #[error("the analysis was cancelled")]
    Cancelled,
}
