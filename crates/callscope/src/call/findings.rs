//! What detection and extraction find in a call, whatever provider found it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{GeneralInfo, TurnSentiment};

/// The call's subject: a domain (industry) and a category (reason type) within it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub domain: String,
    pub category: String,
    /// 0…1; how sure the provider is.
    pub confidence: f32,
}

/// What a provider found in a call (stage 2): domain-specific fields, general facts, per-turn sentiment and a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// Field name → normalised value (see `FieldKind`); missing fields are absent.
    pub fields: BTreeMap<String, serde_json::Value>,
    pub general: GeneralInfo,
    pub turn_sentiments: Vec<TurnSentiment>,
    pub summary: String,
}
