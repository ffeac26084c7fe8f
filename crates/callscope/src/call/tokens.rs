//! Token accounting: what each LLM stage of a call consumed.

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

/// Token usage in the original service's stage names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageTokenUsage {
    pub stage1_transcription_and_detection: StageTokens,
    pub stage2_combined_analysis: StageTokens,
    pub prompt_generation: StageTokens,
    pub total: StageTokens,
}

/// Tokens of one stage, with their sum spelled out as the original API did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
