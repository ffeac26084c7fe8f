//! Settings by name, as text: what `callscope config get|set|list` reads and writes.

use serde_json::Value;

use super::{ConfigError, Settings};

/// One setting a user can name on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingKey {
    /// The name, as in the settings file.
    pub name: &'static str,
    /// What it does and what it takes.
    pub description: &'static str,
}

impl SettingKey {
    /// Every setting, in the order `config list` shows them.
    pub const ALL: [SettingKey; 17] = [
        SettingKey { name: "model", description: "speech model for new analyses: tiny.en (fastest), base, small, or an imported name" },
        SettingKey {
            name: "provider",
            description: "who analyses transcripts: offline (built in, nothing leaves the machine), gemini or openai (an OpenAI-compatible server; both get only the redacted transcript, unless gemini_mode is audio, and need a key: `callscope keys set`)",
        },
        SettingKey { name: "gemini_model", description: "the Gemini model, e.g. gemini-2.5-flash" },
        SettingKey {
            name: "gemini_mode",
            description: "how Gemini reads a call: text (the redacted transcript, the default) or audio (stage 1 uploads the call's AUDIO to Google to transcribe it and detect its domain; stage 2 reads the redacted transcript)",
        },
        SettingKey { name: "openai_base_url", description: "the OpenAI-compatible server: https://api.openai.com/v1, or e.g. http://localhost:11434/v1 for Ollama" },
        SettingKey { name: "openai_model", description: "the model on that server, e.g. gpt-4o-mini or llama3.1" },
        SettingKey {
            name: "prices",
            description: "token prices replacing or adding to the shipped table, in US dollars per million tokens: \"MODEL=INPUT/OUTPUT; …\", e.g. \"gemini-2.5-flash=0.30/2.50\"",
        },
        SettingKey {
            name: "transcription",
            description: "who transcribes: local (Whisper on this machine, the default) or openai (the audio of each channel is uploaded to openai_base_url's audio/transcriptions; needs the openai key)",
        },
        SettingKey { name: "openai_transcription_model", description: "the transcription model on that server, e.g. whisper-1 or gpt-4o-transcribe" },
        SettingKey { name: "keep_original_pii", description: "true: store transcripts and summaries unredacted" },
        SettingKey { name: "swap_channels", description: "true: the agent is on the right channel" },
        SettingKey { name: "filter_music", description: "true: check music on hold and noise with the speech-activity model, when installed" },
        SettingKey { name: "language", description: "spoken language: a two-letter code such as en, or auto" },
        SettingKey { name: "live_model", description: "speech model for live captions (tiny.en, the default, keeps up on 2 cores); the call is analysed with `model` when it ends" },
        SettingKey { name: "live_microphone", description: "the agent's microphone for live calls: a device id from `callscope devices`; empty: the default microphone" },
        SettingKey { name: "live_system", description: "the customer's system audio source for live calls: a device id from `callscope devices`; empty: the default output's monitor" },
        SettingKey { name: "live_shortcut", description: "the desktop app's shortcut that starts and stops a live call, e.g. CommandOrControl+Shift+L; empty: none" },
    ];

    /// The setting called `name`.
    pub fn named(name: &str) -> Result<SettingKey, ConfigError> {
        let name = name.trim().replace('-', "_");
        SettingKey::ALL.into_iter().find(|k| k.name == name).ok_or_else(|| ConfigError::UnknownKey {
            key: name.clone(),
            known: SettingKey::ALL.map(|k| k.name).join(", "),
        })
    }

    /// The setting's value in `settings`, as text.
    pub fn get(self, settings: &Settings) -> String {
        match serde_json::to_value(settings).ok().and_then(|v| v.get(self.name).cloned()) {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }

    /// `settings` with this setting set from `text` (checked, not yet saved).
    pub fn set(self, settings: &Settings, text: &str) -> Result<Settings, ConfigError> {
        let invalid = |detail: String| ConfigError::Invalid { key: self.name.to_string(), detail };
        let mut json = serde_json::to_value(settings).map_err(|e| invalid(e.to_string()))?;
        let text = text.trim();
        let value = match json.get(self.name) {
            Some(Value::Bool(_)) => Value::Bool(match text.to_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => true,
                "false" | "no" | "off" | "0" => false,
                _ => return Err(invalid(format!("{text:?} is not true or false"))),
            }),
            _ => Value::String(text.to_string()),
        };
        if let Some(object) = json.as_object_mut() {
            object.insert(self.name.to_string(), value);
        }
        let changed: Settings = serde_json::from_value(json).map_err(|_| {
            invalid(format!("{text:?} is not one of its values ({})", self.description))
        })?;
        changed.checked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_can_be_read_and_written_by_name() {
        let settings = Settings::default();
        let changed = SettingKey::named("swap-channels").and_then(|k| k.set(&settings, "yes")).expect("set");
        assert!(changed.swap_channels);
        assert_eq!(SettingKey::named("swap_channels").expect("key").get(&changed), "true");
        let changed = SettingKey::named("model").and_then(|k| k.set(&changed, " tiny.en ")).expect("set");
        assert_eq!(changed.model, "tiny.en");
        for key in SettingKey::ALL {
            let text = key.get(&changed);
            assert_eq!(key.set(&changed, &text).expect("round trip"), changed, "{}", key.name);
        }
    }

    #[test]
    fn a_wrong_value_or_name_says_what_would_work() {
        let settings = Settings::default();
        let err = SettingKey::named("provider").and_then(|k| k.set(&settings, "chatgpt")).unwrap_err().to_string();
        assert!(err.contains("offline"), "{err}");
        let err = SettingKey::named("keep_original_pii").and_then(|k| k.set(&settings, "maybe")).unwrap_err().to_string();
        assert!(err.contains("true or false"), "{err}");
        let err = SettingKey::named("colour").unwrap_err().to_string();
        assert!(err.contains("swap_channels"), "{err}");
        let err = SettingKey::named("openai_base_url").and_then(|k| k.set(&settings, "ftp://example.com")).unwrap_err().to_string();
        assert!(err.contains("http(s) address"), "{err}");
    }

    #[test]
    fn remote_providers_and_their_models_are_set_by_name() {
        let settings = SettingKey::named("provider").and_then(|k| k.set(&Settings::default(), "openai")).expect("openai");
        assert_eq!(settings.provider.name(), "openai");
        let settings = SettingKey::named("openai_base_url").and_then(|k| k.set(&settings, "http://localhost:11434/v1/")).expect("url");
        assert_eq!(settings.openai_base_url, "http://localhost:11434/v1");
        let settings = SettingKey::named("gemini_model").and_then(|k| k.set(&settings, "models/gemini-2.5-pro")).expect("model");
        assert_eq!(settings.gemini_model, "gemini-2.5-pro");
        let err = SettingKey::named("gemini_model").and_then(|k| k.set(&settings, "gemini 2.5")).unwrap_err().to_string();
        assert!(err.contains("Gemini model name"), "{err}");
    }

    #[test]
    fn gemini_reads_text_unless_set_to_audio() {
        assert_eq!(SettingKey::named("gemini_mode").expect("key").get(&Settings::default()), "text");
        let settings = SettingKey::named("gemini-mode").and_then(|k| k.set(&Settings::default(), " audio ")).expect("audio");
        assert_eq!(settings.gemini_mode.name(), "audio");
        let err = SettingKey::named("gemini_mode").and_then(|k| k.set(&settings, "video")).unwrap_err().to_string();
        assert!(err.contains("audio") && err.contains("text"), "{err}");
    }

    #[test]
    fn transcription_is_local_unless_set_to_the_openai_server() {
        assert_eq!(SettingKey::named("transcription").expect("key").get(&Settings::default()), "local");
        let settings = SettingKey::named("transcription").and_then(|k| k.set(&Settings::default(), "openai")).expect("openai");
        assert_eq!(settings.transcription.name(), "openai");
        assert_eq!(settings.openai_transcription_model, "whisper-1");
        let err = SettingKey::named("transcription").and_then(|k| k.set(&settings, "google")).unwrap_err().to_string();
        assert!(err.contains("local"), "{err}");
    }
}
