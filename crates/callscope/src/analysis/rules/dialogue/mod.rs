//! Fields from the conversation itself, whatever the domain: what one side asks for and the
//! other answers ("Do you have the tracking number?" – "S L, seven seven four…" →
//! `tracking_number`), and the values said with words that name them ("Your case number is
//! H R, seven seven three zero one", "a net pay of …"). Names come from those words, so a
//! later call of the same pair finds the slot again by name.

mod answer;
mod naming;
mod request;
mod stated;
mod waived;

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::analysis::redact::{self, PiiKind};
use crate::call::{FieldKind, FieldSpec};
use crate::stt::{Segment, Transcript};

use super::context::CallContext;
use super::fields::is_card_number;

pub use naming::stem_before;

/// One slot the call filled.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub name: String,
    pub kind: FieldKind,
    pub value: Json,
    /// Asked for and answered, rather than only said.
    pub asked: bool,
}

/// A whole number as an integer, else as a float.
fn number_json(v: f64) -> Json {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// Every slot of the call: answers to requests first, then stated values; one slot per value,
/// names made unique. Answers that are personal data (a date of birth, the last four of a
/// social, the caller's own phone or e-mail) are left out, and so are their read-backs and
/// pieces.
pub fn slots(ctx: &CallContext) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::new();
    let mut used: Vec<(usize, usize)> = Vec::new();
    let mut private: Vec<String> = card_numbers(ctx);
    let personal = personal_data(ctx);
    private.extend(personal.iter().filter(|(kind, _)| matches!(kind, PiiKind::Ssn | PiiKind::Pin | PiiKind::DateOfBirth)).map(|(_, v)| v.clone()));
    let phones: Vec<String> = personal.iter().filter(|(kind, _)| *kind == PiiKind::Phone).map(|(_, v)| v.clone()).collect();
    for turn in &ctx.turns {
        for request in request::requests(turn) {
            let Some(a) = answer::answer(ctx, turn, &request, &used) else { continue };
            used.extend(a.source);
            let customer_phone = request.want == request::Want::Phone && turn.is_agent() && !turn.is_customer();
            if request.private || customer_phone {
                private.push(digits_or_text(&a.value));
                continue;
            }
            if !is_private_value(&a.value, &private) {
                push(&mut out, Slot { name: request.name, kind: a.kind, value: a.value, asked: true });
            }
        }
    }
    for s in stated::stated(ctx, &used, &private).into_iter().filter(|s| !is_private_value(&s.value, &private)) {
        push(&mut out, Slot { name: s.name, kind: s.kind, value: s.value, asked: false });
    }
    for s in waived::waived(ctx) {
        push(&mut out, s);
    }
    for turn in &ctx.turns {
        for address in &turn.addresses {
            let at = turn.scan.tokens.iter().position(|t| t.start >= address.start).map_or(0, |t| turn.words.position_of_token(t));
            let stem = stem_before(turn, at);
            let name = naming::name_from(&stem).map_or_else(|| "address".to_string(), |s| format!("{s}_address"));
            push(&mut out, Slot { name, kind: FieldKind::Text, value: json!(address.written), asked: false });
        }
    }
    // A value said in passing that the redaction takes for personal data is not a field (an
    // answer keeps the name its question gave it), and a phone number is no reference number.
    out.retain(|s| s.asked || !is_personal(&s.value, &private));
    let mut named: Vec<Slot> = Vec::new();
    for slot in out {
        let name = if is_phone(&slot.value, &phones) && slot.name.starts_with("reference_number") { "phone_number".to_string() } else { slot.name.clone() };
        push(&mut named, Slot { name, ..slot });
    }
    let out = named;
    without_pieces(out)
}

/// The personal data the redaction finds in the call: (kind, value as it normalises it:
/// digits, ISO date).
fn personal_data(ctx: &CallContext) -> Vec<(PiiKind, String)> {
    let segments = ctx
        .turns
        .iter()
        .map(|t| Segment { start_ms: t.start_ms, end_ms: t.start_ms, speaker: t.speaker, text: t.text.clone(), confidence: 1.0 })
        .collect();
    let transcript = Transcript { segments, duration_ms: ctx.turns.last().map_or(0, |t| t.start_ms) };
    redact::find(&transcript, ctx.year).into_iter().map(|f| (f.kind, f.value)).collect()
}

/// Whether a value is one of the `private` values exactly (a date of birth as an ISO date,
/// the digits of a social or a PIN), or a piece of one.
fn is_personal(value: &Json, private: &[String]) -> bool {
    value.as_str().is_some_and(|own| private.iter().any(|p| p == own)) || is_private_value(value, private)
}

/// Whether a value's digits are one of the call's personal phone numbers.
fn is_phone(value: &Json, phones: &[String]) -> bool {
    let digits: String = value.as_str().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    digits.len() >= 7 && phones.contains(&digits)
}



/// Card numbers said in the call, as said and as finally meant (a corrected or read-back
/// number may pass the checksum where the first telling did not): a field never holds them,
/// nor their pieces.
fn card_numbers(ctx: &CallContext) -> Vec<String> {
    let mut out = Vec::new();
    for turn in &ctx.turns {
        let about_cards = turn.says("card") || ctx.previous_other(turn).is_some_and(|p| p.says("card"));
        for m in &turn.scan.mentions {
            let Some(said) = m.digits().filter(|d| d.chars().all(|c| c.is_ascii_digit())) else { continue };
            let meant = answer::final_form(ctx, turn, m, &said);
            let card_like = |d: &str| is_card_number(d) || (about_cards && (13..=19).contains(&d.len()));
            if card_like(&said) || card_like(&meant) {
                out.push(said);
                out.push(meant);
            }
        }
    }
    out
}

/// Whether a slot's value is a digit string that is one of the `private` values or a piece of
/// one (amounts and dates are never pieces of a card number).
fn is_private_value(value: &Json, private: &[String]) -> bool {
    value.as_str().is_some_and(|own| own.len() >= 3 && own.chars().all(|c| c.is_ascii_digit()) && private.iter().any(|p| p.contains(own)))
}

/// The digits of a value when it has some, else its text.
fn digits_or_text(value: &Json) -> String {
    let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 3 { digits } else { text.to_lowercase() }
}

/// Identifiers that are only a piece of another slot's identifier ("ending in 2981" of the
/// bag tag 0417332981) say nothing new.
fn without_pieces(slots: Vec<Slot>) -> Vec<Slot> {
    let ids: Vec<String> = slots.iter().filter(|s| s.kind == FieldKind::Identifier).map(|s| digits_or_text(&s.value)).collect();
    slots
        .into_iter()
        .filter(|s| {
            let own = digits_or_text(&s.value);
            s.kind != FieldKind::Identifier || !ids.iter().any(|other| other.len() > own.len() && other.contains(&own))
        })
        .collect()
}

/// Add a slot unless its value is already there; a taken name gets a number.
fn push(out: &mut Vec<Slot>, mut slot: Slot) {
    if out.iter().any(|s| same_value(&s.value, &slot.value)) {
        return;
    }
    let base = slot.name.clone();
    let mut n = 2;
    while out.iter().any(|s| s.name == slot.name) {
        slot.name = format!("{base}_{n}");
        n += 1;
    }
    out.push(slot);
}

fn same_value(a: &Json, b: &Json) -> bool {
    let number = |v: &Json| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse::<f64>().ok()));
    match (number(a), number(b)) {
        (Some(x), Some(y)) => (x - y).abs() < 0.005,
        _ => a == b,
    }
}

/// Field specs for a new pair's schema, from the slots a call contained.
pub fn specs(slots: &[Slot]) -> Vec<FieldSpec> {
    slots
        .iter()
        .map(|s| FieldSpec { name: s.name.clone(), kind: s.kind, description: format!("The {} said in the call", s.name.replace('_', " ")) })
        .collect()
}

/// Add the call's slots to fields found through a schema: a field left empty takes the slot
/// of the same name; other slots are added when their value is not there yet, under their own
/// name (numbered when a schema field has it).
pub fn complete(fields: &mut BTreeMap<String, Json>, slots: &[Slot]) {
    for slot in slots {
        if fields.values().any(|v| same_value(v, &slot.value)) {
            continue;
        }
        // The schema already has this text field; the slot says it again in other words.
        if slot.kind == FieldKind::Text && fields.contains_key(&slot.name) {
            continue;
        }
        let mut name = slot.name.clone();
        let mut n = 2;
        while fields.contains_key(&name) {
            name = format!("{}_{n}", slot.name);
            n += 1;
        }
        fields.insert(name, slot.value.clone());
    }
}
