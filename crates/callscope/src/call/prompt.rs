//! Extraction prompts: the field schema of one domain/category pair.

use serde::{Deserialize, Serialize};

/// The type of value a field holds, which decides how it is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldSpec {
    pub name: String,
    pub kind: FieldKind,
    pub description: String,
}

/// The saved extraction prompt of one domain/category pair: its field schema and, for LLM
/// providers, the instruction text built from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtractionPrompt {
    pub domain: String,
    pub category: String,
    pub fields: Vec<FieldSpec>,
    pub instructions: String,
}
