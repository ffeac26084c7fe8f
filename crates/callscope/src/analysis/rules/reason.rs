//! Why the customer called, in their own words, and a category named after it for calls the
//! vocabulary has no category for ("I need to dispute a couple of charges" → `charge_dispute`).

use crate::analysis::spoken;

use super::context::{CallContext, Turn};
use super::words::{is_stopword, Phrase};

/// Phrases that introduce the reason for calling, and what to keep of them.
const REASON_CUES: &[(&str, &str)] = &[
    ("i got a notice that", ""), ("i'd like to", ""), ("i would like to", ""), ("i need to", ""), ("i need", "need "),
    ("i want to", ""), ("i wanted to", ""), ("i'm calling about", ""), ("i'm calling to", ""), ("calling about", ""),
    ("calling to", ""), ("i'm just checking on", "checking on "), ("i'm checking on", "checking on "), ("checking on", "checking on "),
    ("i applied for", "applied for "), ("i filed", "filed "), ("i have a question about", "question about "),
    ("i was wondering", ""), ("i'm having trouble with", "trouble with "), ("i think", ""), ("it keeps", "it keeps "),
    ("i just wanted to", ""), ("i thought i'd", ""), ("i'd better just", ""), ("can you", ""), ("i'd like", ""),
    ("i'm hoping to", ""), ("i was hoping to", ""), ("i'm trying to", "trying to "), ("i'm looking to", ""),
    ("i need help with", "help with "), ("i'm calling because", ""), ("calling because", ""), ("there's a problem with", "problem with "),
    ("i'm having a problem with", "problem with "), ("i got this", "got this "), ("i received", "received "),
];

/// Agent questions whose answer is the reason for the call.
const WHY_QUESTIONS: &[&str] = &[
    "made you want to call", "reason for your call", "what brings you", "why are you calling", "what prompted", "what's going on",
    "what seems to be", "what happened", "what's happening", "what can i do for you", "how can i help", "how may i help",
    "what can i help you with",
];

/// A short phrase from the customer's own statement of why they call (see `reason`), or
/// "general inquiry".
pub fn call_reason(ctx: &CallContext) -> String {
    reason(ctx).map_or_else(|| "general inquiry".to_string(), |(_, r)| r)
}

/// The turn that says why the customer calls and a short phrase of it: the answer to "what
/// made you call?" or "what can I do for you?" when the agent asks, else the first reason
/// phrase ("I'd like to…", "I'm calling about…") in the customer's first four turns, else the
/// first full sentence of such an answer or of the customer's turns.
pub fn reason(ctx: &CallContext) -> Option<(usize, String)> {
    let customer: Vec<&Turn> = ctx.turns.iter().filter(|t| t.is_customer()).collect();
    let answers: Vec<&Turn> = ctx
        .turns
        .iter()
        .filter(|t| t.is_agent() && t.says_any(WHY_QUESTIONS))
        .filter_map(|t| ctx.turns.get(t.index + 1).filter(|r| r.is_customer()))
        .collect();
    for turn in answers.iter().chain(customer.iter().take(4)) {
        if let Some(reason) = reason_in(turn, ctx.year) {
            return Some((turn.index, reason));
        }
    }
    answers.iter().chain(customer.iter()).find_map(|t| {
        let sentence = t.words.sentences.iter().filter_map(|s| t.text.get(s.start..s.end)).find(|s| s.split_whitespace().count() >= 5 && !personal_data(s))?;
        let text = spoken::written(sentence, ctx.year);
        Some((t.index, without_greeting(&text).trim_end_matches(['.', '!', '?']).to_string()))
    })
}

/// "Hi Tom, my package never arrived" → "my package never arrived".
fn without_greeting(sentence: &str) -> &str {
    const GREETINGS: &[&str] = &["hi", "hey", "hello", "good", "yes", "yeah", "oh", "um", "uh", "so", "well", "okay", "ok"];
    let mut s = sentence.trim();
    while let Some(comma) = s.find(',') {
        let head = &s[..comma];
        let first = head.split_whitespace().next().unwrap_or_default().to_lowercase();
        if head.split_whitespace().count() > 3 || !GREETINGS.contains(&first.as_str()) {
            break;
        }
        s = s[comma + 1..].trim_start();
    }
    s
}

fn reason_in(turn: &Turn, year: i32) -> Option<String> {
    let mut best: Option<(usize, &str, usize)> = None;
    for (cue, keep) in REASON_CUES {
        let phrase = Phrase::new(cue);
        if let Some(&at) = turn.words.find(&phrase).first() {
            if best.is_none_or(|(b, _, _)| at < b) {
                best = Some((at, keep, phrase.parts.len()));
            }
        }
    }
    let (at, keep, len) = best?;
    let text = format!("{keep}{}", words_after(turn, at + len, 12, year));
    (text.split_whitespace().count() >= 2).then_some(text)
}

/// Up to `max` words of a turn from word `from`, stopping at the end of the sentence or at
/// ", and"/", so"/", but"; numbers written as digits.
fn words_after(turn: &Turn, from: usize, max: usize, year: i32) -> String {
    let Some(&token) = turn.words.token.get(from) else { return String::new() };
    let sentence = turn.words.sentence.get(from).copied().unwrap_or(0);
    let end_word = turn.words.sentence_words(sentence).end.min(from + max);
    let last_token = turn.words.token.get(end_word.saturating_sub(1)).copied().unwrap_or(token);
    let (Some(start), Some(end)) = (turn.scan.tokens.get(token).map(|t| t.start), turn.scan.tokens.get(last_token).map(|t| t.end)) else {
        return String::new();
    };
    let raw = turn.text.get(start..end).unwrap_or_default();
    let cut = [", and ", ", so ", ", but ", " and i ", " and I ", ", if "].iter().filter_map(|s| raw.find(s)).min().unwrap_or(raw.len());
    let mut text = spoken::written(&raw[..cut], year).trim_end_matches([',', '.', '!', '?', ' ']).to_string();
    for tail in [" so", " and", " but", " or", ","] {
        if let Some(t) = text.strip_suffix(tail) {
            text = t.trim_end_matches([',', ' ']).to_string();
        }
    }
    text
}

/// Whether a sentence carries an id, e-mail or address (not a reason).
fn personal_data(sentence: &str) -> bool {
    let scan = spoken::scan(sentence);
    !spoken::addresses(sentence, &scan).is_empty()
        || scan.mentions.iter().any(|m| {
            matches!(m.value, spoken::Value::Identifier { .. } | spoken::Value::Email { .. } | spoken::Value::Number { digit_sequence: true, .. })
        })
}

/// What the customer wants done, as the noun a category name ends in.
const ACTIONS: &[(&str, &str)] = &[
    ("dispute", "dispute"), ("disputing", "dispute"), ("cancel", "cancellation"), ("cancelled", "cancellation"), ("cancelling", "cancellation"),
    ("change", "change"), ("move", "change"), ("shift", "change"), ("switch", "change"), ("reschedule", "change"), ("transfer", "transfer"),
    ("pay", "payment"), ("refund", "refund"), ("return", "return"), ("book", "booking"), ("schedule", "booking"), ("reserve", "booking"),
    ("report", "report"), ("track", "status"), ("check", "status"), ("checking", "status"), ("upgrade", "upgrade"), ("add", "addition"),
    ("replace", "replacement"), ("fix", "repair"), ("repair", "repair"), ("activate", "activation"), ("renew", "renewal"),
    ("update", "update"), ("close", "closure"), ("open", "opening"), ("apply", "application"), ("enroll", "enrollment"),
    ("register", "registration"), ("file", "claim"), ("claim", "claim"), ("order", "order"), ("deliver", "delivery"),
    ("lost", "lost"), ("missing", "missing"), ("stolen", "theft"), ("damaged", "damage"), ("broken", "repair"), ("charged", "charge"),
    ("overcharged", "overcharge"), ("question", "inquiry"), ("wondering", "inquiry"), ("know", "inquiry"), ("understand", "inquiry"),
];

/// Words of a reason that name neither the thing nor the action.
const VAGUE: &[&str] = &[
    "couple", "few", "bit", "lot", "thing", "things", "something", "anything", "guys", "today", "help", "please", "call", "calling",
    "like", "get", "got", "make", "sure", "need", "want", "wanted", "trying", "going", "keep", "keeps", "able", "someone", "way",
    "last", "week", "month", "year", "day", "time", "morning", "yesterday", "again", "back", "over", "mail", "letter", "one",
];

fn singular(word: &str) -> String {
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !stem.ends_with('s') && !word.ends_with("ous") => stem.to_string(),
        _ => word.to_string(),
    }
}

/// A category named after the call's reason: the thing the customer calls about and what they
/// want done with it ("dispute a couple of charges" → `charge_dispute`, "my paycheck didn't
/// come" → `paycheck`). `weight` scores how strongly a word belongs to the call's domain; the
/// thing named is the first noun after the action, else the domain's strongest word.
pub fn category_from_reason(ctx: &CallContext, weight: &dyn Fn(&str) -> f32) -> Option<String> {
    let (_, text) = reason(ctx)?;
    let words: Vec<String> = Phrase::new(&text.replace(['.', ',', '!', '?', ';', ':'], " ")).parts;
    let action_at = words.iter().position(|w| ACTIONS.iter().any(|(a, _)| a == w));
    let action = action_at.and_then(|i| ACTIONS.iter().find(|(a, _)| *a == words[i]).map(|(_, n)| *n));
    let candidate = |w: &&String| {
        w.len() >= 3 && !is_stopword(w) && !VAGUE.contains(&w.as_str()) && !ACTIONS.iter().any(|(a, _)| a == *w) && w.chars().all(|c| c.is_alphabetic())
    };
    let vocab = |w: &&String| weight(w) > 0.0;
    let strongest = |it: &mut dyn Iterator<Item = &String>| it.filter(candidate).filter(vocab).max_by(|a, b| weight(a).total_cmp(&weight(b))).cloned();
    let after: &[String] = action_at.map_or(&[], |i| &words[i + 1..(i + 7).min(words.len())]);
    let thing = strongest(&mut after.iter())
        .or_else(|| strongest(&mut words.iter()))
        .or_else(|| action.and(after.iter().find(candidate).cloned()))
        .map(|w| singular(&w));
    match (thing, action) {
        (Some(t), Some(a)) if t != a => Some(format!("{t}_{a}")),
        (Some(t), _) => Some(t),
        (None, Some(a)) => Some(a.to_string()),
        (None, None) => None,
    }
}
