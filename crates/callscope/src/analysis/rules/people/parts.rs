//! Name words in a turn: capitalised words a name can be, joined hyphenated parts, and the
//! business words that show a capitalised run is a company, not a person.

use crate::analysis::spoken::{Token, TokenKind};

use super::super::context::Turn;
use super::super::lexicon::can_be_name;

/// Words after a name that show it is a business, not a person ("this is Valley Electric").
pub const BUSINESS: &[&str] = &[
    "electric", "energy", "insurance", "bank", "banking", "services", "service", "department", "support", "clinic", "health",
    "internet", "line", "company", "center", "centre", "group", "mutual", "home", "medical", "pharmacy", "airlines", "motors",
    "credit", "union", "utilities", "water", "gas", "telecom", "wireless", "store", "shop", "customer", "care", "hotel", "university",
    "online", "electronics", "inc", "llc", "ltd", "corp", "corporation", "airways", "airlines", "pharmacy", "market", "foods",
    "lending", "mortgage", "financial", "finance", "loans", "licensing", "software", "logistics", "shipping", "parcel", "express",
    "delivery", "payroll", "solutions", "systems", "technologies", "partners", "associates", "architects", "towing", "realty",
    "properties", "dental", "hospital", "fitness", "drug", "drugs", "supply", "travel", "tours", "resorts", "inn", "suites",
    "hotels", "college", "school", "academy", "institute", "agency", "office", "desk", "warehouse", "studio", "labs",
];

/// A name part at token `i`: a capitalised word, with joined hyphenated continuations
/// ("Al-Sayed"). Returns the text and the index after it.
pub fn name_part(turn: &Turn, i: usize) -> Option<(String, usize)> {
    let tokens = &turn.scan.tokens;
    let t = tokens.get(i)?;
    if !is_name_token(t) {
        return None;
    }
    let mut text = clean(t.text(&turn.text));
    let mut k = i + 1;
    while tokens.get(k).is_some_and(|h| h.is_punct('-') && h.joined) && tokens.get(k + 1).is_some_and(|n| n.joined && is_name_token(n)) {
        text.push('-');
        text.push_str(&clean(tokens[k + 1].text(&turn.text)));
        k += 2;
    }
    Some((text, k))
}

fn clean(text: &str) -> String {
    text.trim_end_matches("'s").trim_end_matches("’s").to_string()
}

fn is_name_token(t: &Token) -> bool {
    t.kind == TokenKind::Word && t.capitalized && t.norm.chars().count() > 1 && can_be_name(&t.norm)
}

/// The longest run of name parts starting at token `i`, up to three.
pub fn name_at(turn: &Turn, i: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = Vec::new();
    let mut k = i;
    while parts.len() < 3 {
        match name_part(turn, k) {
            Some((p, next)) => {
                parts.push(p);
                k = next;
            }
            None => break,
        }
    }
    (!parts.is_empty()).then_some((parts, k))
}

pub fn followed_by_business(turn: &Turn, k: usize) -> bool {
    turn.scan.tokens.get(k).is_some_and(|t| BUSINESS.contains(&t.norm.as_str()))
}

/// Token index right after the words `phrase` (lowercase, split on spaces) in the turn.
pub fn after_phrase(turn: &Turn, phrase: &[&str]) -> Vec<usize> {
    let w = &turn.words.words;
    (0..w.len())
        .filter(|&i| phrase.iter().enumerate().all(|(k, p)| w.get(i + k).is_some_and(|x| x == p)))
        .filter_map(|i| turn.words.token.get(i + phrase.len()).copied())
        .collect()
}

