//! The answer to a request in the other side's reply: the first value of the kind asked for
//! ("Do you have the tracking number?" – "S L, seven seven four…"), made final by the
//! speaker's own corrections and by a read-back a few turns later; or, for a thing asked by
//! name ("Which medication is it?"), the reply's first informative sentence.

use serde_json::{json, Value as Json};

use crate::analysis::spoken::{self, apply_corrections, corrections, format_phone, Mention, Value};
use crate::call::FieldKind;
use crate::stt::Speaker;

use super::super::context::{CallContext, Found, Turn};
use super::super::fields::is_card_number;
use super::request::{Request, Want};

/// A value found for a slot, and which spoken value it came from.
#[derive(Debug, Clone)]
pub struct Answer {
    pub value: Json,
    pub kind: FieldKind,
    /// (turn, mention index) of the value, when it was one spoken value.
    pub source: Option<(usize, usize)>,
}

/// Replies that only hold the line ("Let me check.", "Hang on.").
const HOLDING: &[&str] = &["let me", "hang on", "hold on", "one second", "one sec", "just a", "give me a", "bear with"];

/// Words that open a reply without being part of the answer.
const ANSWER_FILLERS: &[&str] = &[
    "yes", "yeah", "yep", "sure", "um", "uh", "so", "well", "oh", "okay", "ok", "it's", "its", "that's", "it", "is", "i'm", "i",
    "am", "we're", "just", "think", "believe", "mine", "my", "hmm", "right", "uh-huh", "mm", "that", "would", "be", "the", "a",
];

/// The turn that answers a request made in `asked`: the next turn when the other side says
/// it, or the one after when the first only held the line.
fn replies<'a>(ctx: &'a CallContext, asked: &Turn) -> Vec<&'a Turn> {
    let other = |t: &&Turn| t.speaker != asked.speaker || t.speaker == Speaker::Unknown;
    let mut out: Vec<&Turn> = ctx.turns.get(asked.index + 1).filter(other).into_iter().collect();
    if let (Some(first), Some(next)) = (out.first().copied(), ctx.turns.get(asked.index + 2)) {
        if next.speaker == first.speaker && first.words.words.len() <= 8 {
            out.push(next);
        }
    }
    out
}

/// The answer to `request`, asked in `asked`; `used` holds the spoken values already taken.
pub fn answer(ctx: &CallContext, asked: &Turn, request: &Request, used: &[(usize, usize)]) -> Option<Answer> {
    for reply in replies(ctx, asked) {
        if let Some(a) = typed(ctx, reply, request, used) {
            return Some(a);
        }
        if matches!(request.want, Want::Text | Want::Address) && asked.is_agent() {
            if let Some(a) = address(reply).or_else(|| text(ctx, reply)) {
                return Some(a);
            }
        }
    }
    None
}

fn typed(ctx: &CallContext, reply: &Turn, request: &Request, used: &[(usize, usize)]) -> Option<Answer> {
    for (i, m) in reply.scan.mentions.iter().enumerate() {
        if used.contains(&(reply.index, i)) {
            continue;
        }
        let found = Found { turn: reply, mention: m, word: reply.words.position_of_token(m.first_token) };
        let (value, kind) = match (request.want, &m.value) {
            (Want::Identifier, Value::Identifier { id }) => (json!(final_form(ctx, reply, m, id)), FieldKind::Identifier),
            (Want::Identifier, Value::Number { digits, digit_sequence, .. }) if (*digit_sequence && digits.len() >= 3) || digits.len() >= 4 => {
                if is_card_number(digits) {
                    continue;
                }
                (json!(final_form(ctx, reply, m, digits)), FieldKind::Identifier)
            }
            (Want::Phone, Value::Number { digits, .. }) => match format_phone(&final_form(ctx, reply, m, digits)) {
                Some(p) => (json!(p), FieldKind::Text),
                None => continue,
            },
            (Want::Email, Value::Email { address }) => (json!(address), FieldKind::Text),
            (Want::Date, Value::Date { date }) if !ctx.is_birth_date(&found) => (json!(date.iso(ctx.year)), FieldKind::Date),
            (Want::Time, Value::Time { clock }) => (json!(clock.hhmm()), FieldKind::Time),
            (Want::Time | Want::Date, Value::TimeRange { from, to }) => (json!(format!("{}-{}", from.hhmm(), to.hhmm())), FieldKind::Text),
            (Want::Money, Value::Money { amount }) => (json!(amount), FieldKind::Money),
            (Want::Count, Value::Number { value: Some(v), digit_sequence: false, .. }) => (super::number_json(*v), FieldKind::Number),
            _ => continue,
        };
        return Some(Answer { value, kind, source: Some((reply.index, i)) });
    }
    None
}

/// Digits or an identifier as finally meant: the speaker's corrections in the same turn
/// ("… seven seven. Sorry, it's zero one seven six."), then a read-back of the same length
/// in the next three turns that differs in a few places.
pub fn final_form(ctx: &CallContext, turn: &Turn, mention: &Mention, said: &str) -> String {
    let fixes: Vec<_> = corrections(&turn.scan).into_iter().filter(|c| c.at >= mention.start).collect();
    let mut value = apply_corrections(said, &fixes);
    // A restatement later in the same turn ("Six one one, eight zero, two... four. Six one one
    // eight zero two four.") or a read-back by either side.
    let later_here = turn.scan.mentions.iter().filter(|m| m.start > mention.end);
    let later_turns = ctx.turns.iter().skip(turn.index + 1).take(3).flat_map(|t| t.scan.mentions.iter());
    for m in later_here.chain(later_turns) {
        let Some(digits) = m.digits() else { continue };
        if restates(&value, &digits) {
            value = digits;
        }
    }
    value
}

/// Whether `later` says `value` again, corrected or completed: the same length and mostly the
/// same characters, or `value` with a few characters more (a value said haltingly, then whole).
pub fn restates(value: &str, later: &str) -> bool {
    if later == value || value.len() < 3 {
        return false;
    }
    (later.len() == value.len() && similarity(later, value) >= 0.6) || (later.len() > value.len() && later.len() <= value.len() + 4 && later.starts_with(value))
}

fn similarity(a: &str, b: &str) -> f32 {
    let same = a.chars().zip(b.chars()).filter(|(x, y)| x == y).count();
    same as f32 / a.len().max(1) as f32
}

fn address(reply: &Turn) -> Option<Answer> {
    let a = reply.addresses.first()?;
    Some(Answer { value: json!(a.written), kind: FieldKind::Text, source: None })
}

/// The reply's first sentence that says something: not a question, not a bare yes or a
/// "let me check", at most twelve words; numbers written as digits.
fn text(ctx: &CallContext, reply: &Turn) -> Option<Answer> {
    for (n, span) in reply.words.sentences.iter().enumerate() {
        if span.question {
            return None;
        }
        let range = reply.words.sentence_words(n);
        let words: Vec<&str> = reply.words.words[range.clone()].iter().map(String::as_str).collect();
        let joined = words.join(" ");
        if HOLDING.iter().any(|h| joined.starts_with(h)) || words.iter().any(|w| matches!(*w, "don't" | "not" | "no" | "never" | "nothing")) && words.len() <= 4 {
            continue;
        }
        let skip = words.iter().take_while(|w| ANSWER_FILLERS.contains(w)).count();
        if skip == words.len() {
            continue;
        }
        if words.len() - skip > 12 {
            return None;
        }
        let first_token = reply.words.token[range.start + skip];
        let start = reply.scan.tokens[first_token].start;
        let raw = reply.text.get(start..span.end)?;
        let value = spoken::written(raw, ctx.year).trim_end_matches(['.', '!', '?', ',', ' ']).to_string();
        return (!value.is_empty()).then(|| Answer { value: json!(value), kind: FieldKind::Text, source: None });
    }
    None
}
