//! Text fields that name something: a doctor ("Dr. Patel"), a business ("Greenway Pharmacy,
//! Elm Street"), a product ("Barista Pro espresso machine"), a medication, an address, a phone
//! number or an arrival window. Candidates are scored by the field's cues and how often and
//! how fully they are said.

use serde_json::{json, Value as Json};

use crate::analysis::spoken::{format_phone, TokenKind, Value};

use super::super::context::{CallContext, Turn};
use super::super::lexicon::{can_be_name, lexicon};
use super::super::schema::FieldDef;
use super::super::words::{is_stopword, Phrase};
use super::cues::{score, speaker_factor, Cues, Place};

/// A named thing found in a turn, with its word span.
struct Named<'a> {
    turn: &'a Turn,
    first: usize,
    last: usize,
    text: String,
}

/// Pick the candidate with the best cue score, then the most detail, then the most mentions.
fn best(ctx: &CallContext, def: &FieldDef, cues: &Cues, found: Vec<Named<'_>>, need_cue: bool) -> Option<Json> {
    let count = |t: &str| found.iter().filter(|n| n.text.eq_ignore_ascii_case(t)).count() as f32;
    let mut ranked: Vec<(f32, &Named)> = found
        .iter()
        .map(|n| {
            let s = score(ctx, cues, Place { turn: n.turn, first: n.first, last: n.last }, &[]) * speaker_factor(def.speaker.as_deref(), n.turn.speaker);
            let detail = 0.05 * n.text.split_whitespace().count() as f32;
            (s + detail + 0.1 * count(&n.text), n)
        })
        .filter(|(s, _)| !need_cue || *s >= 0.2)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, n)| json!(n.text))
}

fn word_of(turn: &Turn, token: usize) -> usize {
    turn.words.position_of_token(token)
}

/// "Doctor Patel", "Dr. Nakamura" → "Dr. Patel".
pub fn person(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut found = Vec::new();
    for turn in &ctx.turns {
        let tokens = &turn.scan.tokens;
        for (i, t) in tokens.iter().enumerate() {
            if !matches!(t.norm.as_str(), "doctor" | "dr") {
                continue;
            }
            let mut k = i + 1;
            if tokens.get(k).is_some_and(|n| n.is_punct('.')) {
                k += 1;
            }
            let mut names = Vec::new();
            while names.len() < 2 {
                match tokens.get(k) {
                    Some(n) if n.kind == TokenKind::Word && n.capitalized && can_be_name(&n.norm) => {
                        names.push(n.text(&turn.text).trim_end_matches("'s").trim_end_matches("’s").to_string());
                        k += 1;
                    }
                    _ => break,
                }
            }
            if names.is_empty() {
                continue;
            }
            let last = word_of(turn, k - 1);
            found.push(Named { turn, first: word_of(turn, i), last, text: format!("Dr. {}", names.join(" ")) });
        }
    }
    best(ctx, def, cues, found, false)
}

/// A business whose name ends in one of the field's head words, with "on <street>" after it.
pub fn organization(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut found = Vec::new();
    for turn in &ctx.turns {
        let tokens = &turn.scan.tokens;
        for head in &def.heads {
            let phrase = Phrase::new(head);
            for start in turn.words.find(&phrase) {
                let end = start + phrase.parts.len() - 1;
                let (Some(&first_tok), Some(&last_tok)) = (turn.words.token.get(start), turn.words.token.get(end)) else { continue };
                let mut k = first_tok;
                while k > 0 {
                    let prev = &tokens[k - 1];
                    if prev.kind == TokenKind::Word && prev.capitalized && can_be_name(&prev.norm) && !is_stopword(&prev.norm) {
                        k -= 1;
                    } else {
                        break;
                    }
                }
                let sentence = turn.words.sentence.get(start).copied().unwrap_or(0);
                let sentence_start = turn.words.sentence_words(sentence).start == start;
                let single_brand = k == first_tok && tokens[first_tok].capitalized && !sentence_start;
                if k == first_tok && !single_brand {
                    continue;
                }
                let name = turn.text.get(tokens[k].start..tokens[last_tok].end).unwrap_or_default().to_string();
                let text = match street_after(turn, end) {
                    Some(street) => format!("{name}, {street}"),
                    None => name,
                };
                found.push(Named { turn, first: word_of(turn, k), last: end, text });
            }
        }
    }
    best(ctx, def, cues, found, false)
}

/// "on Elm Street" within a few words after `word`.
fn street_after(turn: &Turn, word: usize) -> Option<String> {
    let w = &turn.words.words;
    let tokens = &turn.scan.tokens;
    let limit = (word + 8).min(w.len());
    for i in word + 1..limit {
        if w[i] != "on" {
            continue;
        }
        let mut parts = Vec::new();
        for k in i + 1..(i + 4).min(w.len()) {
            let tok = &tokens[turn.words.token[k]];
            if !tok.capitalized {
                break;
            }
            parts.push(tok.text(&turn.text).to_string());
            if matches!(w[k].as_str(), "street" | "avenue" | "road" | "lane" | "drive" | "boulevard" | "way" | "plaza" | "square") {
                return Some(parts.join(" "));
            }
        }
    }
    None
}

/// The most detailed noun phrase ending in a product word.
pub fn product(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let heads: Vec<Phrase> = lexicon().product_heads.iter().map(|h| Phrase::new(h)).collect();
    let mut found = Vec::new();
    for turn in &ctx.turns {
        let tokens = &turn.scan.tokens;
        for head in &heads {
            for start in turn.words.find(head) {
                let end = start + head.parts.len() - 1;
                // A product is a noun: "phones" is one, "phoned" is a verb.
                let said = &turn.words.words[end];
                let base = head.parts.last().map_or("", String::as_str);
                if said != base && (said.ends_with("ed") || said.ends_with("ing")) {
                    continue;
                }
                let (Some(&first_tok), Some(&last_tok)) = (turn.words.token.get(start), turn.words.token.get(end)) else { continue };
                let mut k = first_tok;
                while k > 0 && first_tok - k < 3 {
                    let prev = &tokens[k - 1];
                    let modifier = prev.kind == TokenKind::Word && !is_stopword(&prev.norm) && !matches!(prev.norm.as_str(), "new" | "old" | "my" | "the" | "that" | "this" | "a" | "an");
                    if modifier {
                        k -= 1;
                    } else {
                        break;
                    }
                }
                let text = turn.text.get(tokens[k].start..tokens[last_tok].end).unwrap_or_default().to_string();
                found.push(Named { turn, first: word_of(turn, k), last: end, text });
            }
        }
    }
    let longest = found.iter().map(|n| n.text.split_whitespace().count()).max().unwrap_or(0);
    found.retain(|n| n.text.split_whitespace().count() + 1 >= longest);
    best(ctx, def, cues, found, false)
}

/// A medication from the built-in list, the most mentioned.
pub fn medication(ctx: &CallContext) -> Option<Json> {
    let mut counts: Vec<(usize, usize, &str)> = Vec::new();
    for (order, name) in lexicon().medications.iter().enumerate() {
        let phrase = Phrase::new(name);
        let n: usize = ctx.turns.iter().map(|t| t.words.find(&phrase).len()).sum();
        if n > 0 {
            counts.push((n, usize::MAX - order, name));
        }
    }
    counts.sort();
    counts.last().map(|(_, _, name)| json!(name))
}

/// A street address the cues point at.
pub fn address(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut found = Vec::new();
    for turn in &ctx.turns {
        for a in turn.addresses.iter().cloned() {
            let first = turn.scan.tokens.iter().position(|t| t.start >= a.start).map_or(0, |t| word_of(turn, t));
            let last = turn.scan.tokens.iter().rposition(|t| t.end <= a.end).map_or(first, |t| word_of(turn, t));
            found.push(Named { turn, first, last, text: a.written });
        }
    }
    best(ctx, def, cues, found, false)
}

/// A phone number the cues point at, as NNN-NNN-NNNN.
pub fn phone(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut found = Vec::new();
    for turn in &ctx.turns {
        for m in &turn.scan.mentions {
            let Some(text) = m.digits().and_then(|d| format_phone(&d)) else { continue };
            found.push(Named { turn, first: word_of(turn, m.first_token), last: word_of(turn, m.last_token), text });
        }
    }
    best(ctx, def, cues, found, true)
}

/// An arrival window "08:00-12:00" the cues point at.
pub fn time_window(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut found = Vec::new();
    for turn in &ctx.turns {
        for m in &turn.scan.mentions {
            if let Value::TimeRange { from, to } = m.value {
                let text = format!("{}-{}", from.hhmm(), to.hhmm());
                found.push(Named { turn, first: word_of(turn, m.first_token), last: word_of(turn, m.last_token), text });
            }
        }
    }
    best(ctx, def, cues, found, false)
}
