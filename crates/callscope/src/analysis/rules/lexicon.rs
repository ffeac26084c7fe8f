//! Built-in word lists (`data/lexicon.json`): product nouns, medications, and capitalised words
//! that are never a person's name.

use std::sync::OnceLock;

use serde::Deserialize;

/// The word lists.
#[derive(Debug, Default, Deserialize)]
pub struct Lexicon {
    pub product_heads: Vec<String>,
    pub medications: Vec<String>,
    pub not_names: Vec<String>,
}

/// The built-in lists (empty, with an error logged, if the data file were invalid).
pub fn lexicon() -> &'static Lexicon {
    static DATA: OnceLock<Lexicon> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../../data/lexicon.json")).unwrap_or_else(|e| {
            tracing::error!("built-in lexicon.json is invalid: {e}");
            Lexicon::default()
        })
    })
}

/// Whether a lowercase word can be part of a person's name.
pub fn can_be_name(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_alphabetic) && !lexicon().not_names.iter().any(|w| w == word)
}
