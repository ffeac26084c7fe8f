//! Fields whose value is one spoken value: identifiers, dates, times, money, numbers and card
//! last-four. Every value of the right type is a candidate; cues decide which one fills the
//! field, and the field's `pick` rule decides between several good ones.

use serde_json::{json, Value as Json};

use crate::analysis::redact::luhn;
use crate::analysis::spoken::{apply_corrections, corrections, Value};
use crate::call::FieldKind;

use super::super::context::{CallContext, Found, Turn};
use super::super::schema::{FieldDef, Pick};
use super::cues::{score, speaker_factor, Cues, Place};

/// Below this a cue match is noise.
const MIN_SCORE: f32 = 0.12;

/// One possible value of a field.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub turn: &'a Turn,
    /// (turn index, mention index): identifies the spoken value.
    pub id: (usize, usize),
    pub value: Json,
    pub score: f32,
}

/// Whether a digit string is a payment card number (13–19 digits passing the Luhn check).
pub fn is_card_number(digits: &str) -> bool {
    (13..=19).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && luhn(digits)
}

/// The field value a spoken value gives, if it has the field's type.
fn value_for(ctx: &CallContext, def: &FieldDef, found: &Found<'_>) -> Option<Json> {
    match (&def.kind, &found.mention.value) {
        (FieldKind::Identifier, Value::Identifier { id }) => Some(json!(id)),
        (FieldKind::Identifier, Value::Number { digits, value, .. }) if digits.len() >= 4 && !is_card_number(digits) && !in_address(found) => {
            (value.is_none() || digits.len() >= 5 || found.mention.value_is_digit_run()).then(|| json!(digits))
        }
        (FieldKind::Date, Value::Date { date }) => {
            let birth = ctx.is_birth_date(found);
            let wants_birth = def.role.as_deref() == Some("birth");
            (birth == wants_birth).then(|| json!(date.iso(ctx.year)))
        }
        (FieldKind::Time, Value::Time { clock }) => Some(json!(clock.hhmm())),
        (FieldKind::Money, Value::Money { amount }) => Some(json!(amount)),
        (FieldKind::Number, Value::Number { value: Some(v), digit_sequence: false, .. }) => Some(number(*v)),
        (FieldKind::Number, Value::Ordinal { value }) => Some(json!(value)),
        (FieldKind::Number, Value::Percent { value }) => Some(number(*value)),
        (FieldKind::CardLastFour, Value::Number { digits, .. }) if (13..=19).contains(&digits.len()) => Some(json!(digits)),
        (FieldKind::CardLastFour, Value::Number { digits, .. }) if digits.len() == 4 && (ending_in(found) || asked_last_four(ctx, found)) => {
            Some(json!(digits))
        }
        _ => None,
    }
}

/// Whether the value is part of a street address (a house number or ZIP code).
fn in_address(found: &Found<'_>) -> bool {
    found.turn.addresses.iter().any(|a| a.start <= found.mention.start && found.mention.end <= a.end)
}

trait DigitRun {
    fn value_is_digit_run(&self) -> bool;
}

impl DigitRun for crate::analysis::spoken::Mention {
    fn value_is_digit_run(&self) -> bool {
        matches!(self.value, Value::Number { digit_sequence: true, .. })
    }
}

/// "ending in 9134", "last four 9134".
fn ending_in(found: &Found<'_>) -> bool {
    let w = &found.turn.words.words;
    let at = found.word;
    let before = |k: usize| at.checked_sub(k).and_then(|i| w.get(i)).map(String::as_str);
    matches!((before(2), before(1)), (Some("ending" | "ends"), Some("in" | "with")) | (Some("last"), Some("four")))
}

/// A four-digit answer to "the last four digits of the card?".
fn asked_last_four(ctx: &CallContext, found: &Found<'_>) -> bool {
    ctx.previous_other(found.turn).is_some_and(|p| {
        p.says("last four") && p.says_any(&["card", "visa", "mastercard", "debit", "credit"]) && !p.says_any(&["social", "ssn"])
    })
}

fn number(v: f64) -> Json {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// All candidates for a typed field, scored.
pub fn candidates<'a>(ctx: &'a CallContext, def: &FieldDef, cues: &Cues) -> Vec<Candidate<'a>> {
    let mut by_turn: Vec<Vec<(usize, Found<'a>, Json)>> = vec![Vec::new(); ctx.turns.len()];
    let mut index_in_turn = vec![0_usize; ctx.turns.len()];
    for f in ctx.all() {
        let t = f.turn.index;
        let i = index_in_turn[t];
        index_in_turn[t] += 1;
        if let Some(v) = value_for(ctx, def, &f) {
            by_turn[t].push((i, f, v));
        }
    }
    let mut out = Vec::new();
    for (turn, typed) in ctx.turns.iter().zip(by_turn) {
        let ranges: Vec<(usize, usize)> = typed.iter().map(|(_, f, _)| (f.word, last_word(f))).collect();
        for (i, f, value) in typed {
            let place = Place { turn, first: f.word, last: last_word(&f) };
            let others: Vec<(usize, usize)> = ranges.iter().copied().filter(|r| r.0 != place.first).collect();
            let mut s = score(ctx, cues, place, &others) * speaker_factor(def.speaker.as_deref(), turn.speaker);
            if def.kind == FieldKind::CardLastFour && value.as_str().is_some_and(is_card_number) {
                s += 0.5;
            }
            out.push(Candidate { turn, id: (turn.index, i), value, score: s });
        }
    }
    out
}

fn last_word(f: &Found<'_>) -> usize {
    let w = f.turn.words.position_of_token(f.mention.last_token);
    w.min(f.turn.words.words.len().saturating_sub(1)).max(f.word)
}

/// The winning candidate among those not `taken`, by the field's pick rule.
pub fn choose<'c, 'a>(cands: &'c [Candidate<'a>], pick: Pick, taken: &[(usize, usize)]) -> Option<&'c Candidate<'a>> {
    let open: Vec<&Candidate> = cands.iter().filter(|c| c.score >= MIN_SCORE && !taken.contains(&c.id)).collect();
    let max = open.iter().map(|c| c.score).fold(0.0_f32, f32::max);
    let good = open.iter().copied().filter(|c| c.score >= 0.5 * max);
    match pick {
        Pick::Last => good.max_by_key(|c| c.id),
        Pick::First => good.min_by_key(|c| c.id),
        Pick::Nearest | Pick::Most => open.into_iter().max_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id))),
    }
}

/// Final form of an identifier or card number: self-corrections said after it and read-backs
/// in the next three turns replace it ("…two six. Sorry, it ends in two nine, not two six").
pub fn refine(ctx: &CallContext, chosen: &Candidate<'_>) -> Json {
    let Some(mut value) = chosen.value.as_str().map(str::to_string) else { return chosen.value.clone() };
    let start_turn = chosen.turn.index;
    for turn in ctx.turns.iter().skip(start_turn).take(4) {
        let fixes: Vec<_> = corrections(&turn.scan)
            .into_iter()
            .filter(|c| turn.index > start_turn || c.at >= chosen.turn.scan.mentions.get(chosen.id.1).map_or(0, |m| m.end))
            .collect();
        value = apply_corrections(&value, &fixes);
        for m in &turn.scan.mentions {
            let later = turn.index > start_turn || chosen.turn.scan.mentions.get(chosen.id.1).is_some_and(|c| m.start > c.end);
            let Some(digits) = m.digits() else { continue };
            let completes = digits.len() > value.len() && digits.len() <= value.len() + 4 && value.len() >= 3 && digits.starts_with(&value);
            if later && ((digits.len() == value.len() && similarity(&digits, &value) >= 0.6) || completes) {
                value = digits;
            }
        }
    }
    json!(value)
}

fn similarity(a: &str, b: &str) -> f32 {
    let same = a.chars().zip(b.chars()).filter(|(x, y)| x == y).count();
    same as f32 / a.len().max(1) as f32
}

/// For money fields: "no late fee", "waived the fee" mean 0.
pub fn said_to_be_zero(ctx: &CallContext, cues: &Cues) -> bool {
    ctx.turns.iter().any(|turn| {
        cues.spans(turn).iter().any(|&(first, _, _)| {
            let w = &turn.words.words;
            let before = first.checked_sub(1).and_then(|i| w.get(i)).map(String::as_str);
            matches!(before, Some("no" | "without" | "waived" | "zero"))
        })
    })
}
