//! Names spelled out letter by letter ("Achterberg. That's A C H T E R, B E R G.", "Colm is
//! C O L M"): the spelling is what the caller meant, whatever the recogniser made of the
//! spoken word, so it replaces a name part it resembles.

use crate::analysis::spoken::{edit_distance, number_word, TokenKind};

use super::super::context::Turn;

/// Letter runs spelled in a turn (three letters or more), uppercase.
pub fn spellings(turn: &Turn) -> Vec<String> {
    let tokens = &turn.scan.tokens;
    let mut out = Vec::new();
    let mut current = String::new();
    let single = |i: usize| tokens.get(i).filter(|t| t.kind == TokenKind::Word && t.norm.chars().count() == 1 && t.norm.chars().all(|c| c.is_ascii_alphabetic()));
    let mut i = 0;
    while i < tokens.len() {
        if let Some(t) = single(i) {
            // "a" and "i" in lowercase are words, not letters.
            if t.capitalized || !matches!(t.norm.as_str(), "a" | "i") || !current.is_empty() {
                current.push(t.norm.to_ascii_uppercase().chars().next().unwrap_or('?'));
                i += 1;
                // "A as in apple"
                if tokens.get(i).is_some_and(|t| t.norm == "as") && tokens.get(i + 1).is_some_and(|t| t.norm == "in") {
                    i += 3;
                }
                continue;
            }
        }
        let separator = tokens.get(i).is_some_and(|t| t.kind == TokenKind::Punct && matches!(t.norm.as_str(), "," | "-"));
        if !separator || current.is_empty() {
            // Letters that go on into digits or an e-mail ("Y K E S S L E R seven one at …")
            // spell an identifier or an address, not a name.
            let goes_on = tokens.get(i).is_some_and(|t| t.kind != TokenKind::Word || number_word(&t.norm).is_some() || matches!(t.norm.as_str(), "at" | "dot"));
            if current.len() >= 3 && !goes_on {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
        }
        i += 1;
    }
    if current.len() >= 3 {
        out.push(current);
    }
    out
}

/// The name with each part a spelling of the call resembles replaced by that spelling
/// ("Marketti" + "MARCHETTI" → "Marchetti"), and, when a spelling continues the name's
/// first part alone, the spelled surname added.
pub fn respelled(parts: &[String], spellings: &[String]) -> Vec<String> {
    parts
        .iter()
        .map(|p| {
            let upper = p.to_uppercase();
            spellings
                .iter()
                .filter(|s| **s != upper && edit_distance(s, &upper) * 3 <= s.len().max(upper.len()))
                .min_by_key(|s| edit_distance(s, &upper))
                .map_or_else(|| p.clone(), |s| title(s))
        })
        .collect()
}

/// "ACHTERBERG" → "Achterberg".
pub fn title(letters: &str) -> String {
    let lower = letters.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().collect::<String>() + chars.as_str())
}
