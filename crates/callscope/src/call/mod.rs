//! The call's vocabulary: the result of analysing a call and the values its stages share
//! (outcomes, token usage, extraction prompts, the domain catalog). Every other module imports
//! these downward; this module imports only `stt`'s transcript segments.

mod catalog;
mod findings;
mod general;
mod pricing;
mod prompt;
mod result;
mod service;
mod tokens;

pub use catalog::{CatalogEntry, DomainCatalog};
pub use findings::{Detection, Findings};
pub use general::{GeneralInfo, Resolution, Sentiment, SentimentTrend, TurnSentiment};
pub use pricing::{parse_overrides, ModelPrice, PriceTable};
pub use prompt::{ExtractionPrompt, FieldKind, FieldSpec};
pub use result::{CallAnalysis, ConversationMetrics, Redaction, Transcription};
pub use service::ServiceResponse;
pub use tokens::{StageTokenUsage, StageTokens, TokenUsage};
