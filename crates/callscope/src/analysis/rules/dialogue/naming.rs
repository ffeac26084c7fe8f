//! Field names from the words of the call: the noun phrase a question asks for ("the best phone
//! number for you" → `phone_number`) or the words said just before a value ("your case number
//! is …" → `case_number`, "a net pay of …" → `net_pay`).

use crate::analysis::spoken::{self, month_word, weekday_word};

use super::super::context::Turn;
use super::super::words::is_stopword;

/// Words before a value that describe it poorly (not nouns): "claim number handy",
/// "next available", "already spent".
pub const NOT_NOUNS: &[&str] = &[
    "handy", "available", "anything", "works", "already", "spent", "used", "sent", "moved", "use", "reach", "past", "between",
    "since", "current", "earliest", "next", "last", "first", "new", "old", "usually", "still", "exactly", "only", "also",
    "please", "sure", "thank", "thanks", "ready", "right", "whenever", "again", "ago", "each", "every", "per", "a", "yes",
    "goes", "comes", "came", "went", "says", "said", "up", "down", "back", "off", "out", "over", "under", "until", "by",
    "ends", "ending", "starts", "starting", "around", "about", "almost", "nearly", "roughly", "like", "maybe", "probably",
    "wait", "sorry", "within", "takes", "take", "taking", "took", "actually", "oops",
];

/// Words that say nothing about what a value is.
pub const EMPTY: &[&str] = &[
    "dollars", "dollar", "cents", "percent", "number", "is", "was", "be", "it's", "that's", "have", "has", "had", "get", "got",
    "give", "confirm", "say", "said", "see", "okay", "yes", "so", "um", "uh", "today", "tomorrow", "around", "about", "approximately",
    "just", "like", "it", "morning", "afternoon", "evening", "noon", "am", "pm", "o'clock", "the", "on", "at", "of", "for",
    "tonight", "yesterday", "there", "here", "now", "then", "we", "i", "you", "they", "he", "she",
];

/// Adjectives a request puts before what it asks for: "the best number", "your full name".
const ASKING_ADJECTIVES: &[&str] = &["best", "good", "correct", "right", "exact", "full", "whole", "complete", "main", "preferred", "usual"];

/// Whether a word can be part of a value's name.
pub fn content(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        && word.chars().any(char::is_alphabetic)
        && !is_stopword(word)
        && !EMPTY.contains(&word)
        && month_word(word).is_none()
        && weekday_word(word).is_none()
        && spoken::number_word(word).is_none()
}

/// Up to two content words right before word `at` of the turn (same sentence).
pub fn stem_before(turn: &Turn, at: usize) -> Vec<String> {
    let w = &turn.words.words;
    let sentence = turn.words.sentence.get(at).copied().unwrap_or(0);
    let start = turn.words.sentence_words(sentence).start;
    let mut out: Vec<String> = Vec::new();
    let mut i = at;
    while i > start && at - i < 6 && out.len() < 2 {
        i -= 1;
        if content(&w[i]) {
            out.insert(0, w[i].trim_end_matches("'s").to_string());
        } else if !out.is_empty() && !matches!(w[i].as_str(), "number") {
            break;
        }
    }
    out
}

/// A name from words: lowercase, joined by `_`, without apostrophes, asking adjectives and
/// words that are not nouns at the edges.
pub fn name_from(words: &[String]) -> Option<String> {
    let kept: Vec<String> = words
        .iter()
        .map(|w| w.trim_end_matches("'s").replace(['\'', '-'], "_").to_lowercase())
        .filter(|w| !w.is_empty() && !ASKING_ADJECTIVES.contains(&w.as_str()) && !is_stopword(w))
        .collect();
    let start = kept.iter().position(|w| !NOT_NOUNS.contains(&w.as_str()))?;
    let end = kept.iter().rposition(|w| !NOT_NOUNS.contains(&w.as_str()))?;
    let name = kept[start..=end].join("_");
    (!name.is_empty()).then_some(name)
}

/// Words that make a value personal data a field must not keep.
pub fn is_sensitive(words: &[String]) -> bool {
    words.iter().any(|w| matches!(w.as_str(), "social" | "ssn" | "security" | "pin" | "password" | "passcode" | "birth" | "birthday" | "dob" | "born" | "cvv" | "cvc"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requested_phrase_becomes_a_snake_case_name_without_asking_adjectives() {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(name_from(&words("best phone number")).as_deref(), Some("phone_number"));
        assert_eq!(name_from(&words("flight number")).as_deref(), Some("flight_number"));
        assert_eq!(name_from(&words("drug allergies")).as_deref(), Some("drug_allergies"));
        assert_eq!(name_from(&words("best")), None);
    }
}
