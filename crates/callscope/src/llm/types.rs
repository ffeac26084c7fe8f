//! The values providers exchange with the pipeline, whatever the provider.

use crate::call::TokenUsage;

/// A provider's answer together with what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion<T> {
    pub value: T,
    pub usage: TokenUsage,
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
