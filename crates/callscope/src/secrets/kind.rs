//! The keys Callscope can keep, with their names in the keyring, on the command line and on
//! screen.

/// A key Callscope can keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// Google Gemini API key (`x-goog-api-key`).
    GeminiApiKey,
    /// Key for an OpenAI-compatible endpoint (`Authorization: Bearer`).
    #[serde(rename = "openai_api_key")]
    OpenAiApiKey,
    /// Supabase project key for team sync (the publishable/anon key).
    SupabaseKey,
}

impl SecretKind {
    /// Every kind, in the order the settings screen lists them.
    pub const ALL: [SecretKind; 3] = [
        SecretKind::GeminiApiKey,
        SecretKind::OpenAiApiKey,
        SecretKind::SupabaseKey,
    ];

    /// The keyring account name the key is stored under.
    pub fn account(self) -> &'static str {
        match self {
            SecretKind::GeminiApiKey => "gemini-api-key",
            SecretKind::OpenAiApiKey => "openai-api-key",
            SecretKind::SupabaseKey => "supabase-key",
        }
    }

    /// Its short name on the command line (`callscope keys set gemini`).
    pub fn name(self) -> &'static str {
        match self {
            SecretKind::GeminiApiKey => "gemini",
            SecretKind::OpenAiApiKey => "openai",
            SecretKind::SupabaseKey => "supabase",
        }
    }

    /// How people call it.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::GeminiApiKey => "Gemini API key",
            SecretKind::OpenAiApiKey => "OpenAI-compatible API key",
            SecretKind::SupabaseKey => "Supabase key",
        }
    }
}

impl std::str::FromStr for SecretKind {
    type Err = String;

    /// A kind by its short name (`gemini`, `openai`, `supabase`).
    fn from_str(name: &str) -> Result<SecretKind, String> {
        let name = name.trim().to_lowercase();
        SecretKind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
            format!("{name:?} names no key; the keys are {}", SecretKind::ALL.map(SecretKind::name).join(", "))
        })
    }
}
