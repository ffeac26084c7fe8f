//! Choices one run makes over the saved settings: a command's flags, an upload's form fields.
//! Every shell applies them here, so `analyze --model tiny.en` and an upload with
//! `model=tiny.en` build the same job.

use serde::{Deserialize, Serialize};

use super::{ConfigError, GeminiMode, ProviderChoice, Settings, TranscriptionChoice};

/// What one run changes; every `None` keeps the saved setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsOverrides {
    /// The speech model (`tiny.en`, `base`, …).
    pub model: Option<String>,
    /// Who analyses the transcript.
    pub provider: Option<ProviderChoice>,
    /// The model of a gemini or openai provider.
    pub llm_model: Option<String>,
    /// Who transcribes.
    pub transcription: Option<TranscriptionChoice>,
    /// How Gemini reads a call.
    pub gemini_mode: Option<GeminiMode>,
    /// The agent is on the right channel.
    pub swap_channels: Option<bool>,
    /// Keep transcripts and summaries unredacted.
    pub keep_original_pii: Option<bool>,
}

impl SettingsOverrides {
    /// `saved` with these choices applied and checked; an error names the choice that cannot
    /// be used.
    pub fn apply(&self, saved: Settings) -> Result<Settings, ConfigError> {
        let settings = Settings {
            model: self.model.clone().unwrap_or(saved.model),
            provider: self.provider.unwrap_or(saved.provider),
            transcription: self.transcription.unwrap_or(saved.transcription),
            gemini_mode: self.gemini_mode.unwrap_or(saved.gemini_mode),
            swap_channels: self.swap_channels.unwrap_or(saved.swap_channels),
            keep_original_pii: self.keep_original_pii.unwrap_or(saved.keep_original_pii),
            ..saved
        };
        match &self.llm_model {
            Some(model) => settings.with_llm_model(model),
            None => settings.checked(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_left_out_keeps_the_saved_setting() {
        let saved = Settings { model: "base".into(), swap_channels: true, ..Settings::default() };
        let chosen = SettingsOverrides { model: Some("tiny.en".into()), ..SettingsOverrides::default() };
        let settings = chosen.apply(saved).expect("valid");
        assert_eq!((settings.model.as_str(), settings.swap_channels), ("tiny.en", true));
    }

    #[test]
    fn an_llm_model_for_the_offline_analyzer_is_refused() {
        let chosen = SettingsOverrides { llm_model: Some("gpt-4o".into()), ..SettingsOverrides::default() };
        assert!(chosen.apply(Settings::default()).is_err());
    }
}
