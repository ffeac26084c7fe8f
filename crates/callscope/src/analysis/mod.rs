//! Call analysis stages that need no provider and no storage: redaction, spoken-language
//! parsing, speaker turns, conversation metrics, the built-in rule-based understanding
//! (`rules`) and scoring against ground truth. The service layer (`pipeline`) runs them in
//! order with a provider and the store.

pub mod metrics;
pub mod redact;
pub mod rules;
pub mod score;
pub mod spoken;
pub mod turns;

pub use metrics::measure;
