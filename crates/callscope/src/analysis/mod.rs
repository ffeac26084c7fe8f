//! Call analysis: from a transcript to domain, fields, metrics, redactions and a summary.

mod catalog;
pub mod metrics;
mod pipeline;
pub mod redact;
mod result;
pub mod score;
pub mod spoken;
pub mod turns;

pub use catalog::{CatalogEntry, DomainCatalog};
pub use metrics::measure;
pub use pipeline::{analyze, analyze_and_store, AnalysisError, AnalysisRequest};
pub use result::{
    CallAnalysis, ConversationMetrics, Redaction, StageTokenUsage, StageTokens, Transcription,
};
