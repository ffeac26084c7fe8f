//! Amounts the agent states as nothing: "there's no change fee", "no charge for the tow",
//! "the transfer is free of charge". A slot of 0, named by the words before the noun
//! ("change fee" → `change_fee`), or after what the sentence is about when the noun stands
//! alone ("no charge" → `charge`).

use serde_json::json;

use crate::call::FieldKind;

use super::super::context::CallContext;
use super::super::words::is_stopword;
use super::naming::name_from;
use super::Slot;

/// Nouns of a price.
const PRICE_NOUNS: &[&str] = &["fee", "fees", "charge", "cost", "penalty", "copay"];

/// Words between "no" and the noun that may name it ("no late fee", "no extra charge").
const MAX_MODIFIERS: usize = 2;

/// Zero amounts the agent states, one per name.
pub fn waived(ctx: &CallContext) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::new();
    for turn in ctx.turns.iter().filter(|t| t.is_agent()) {
        let w = &turn.words.words;
        for (i, word) in w.iter().enumerate() {
            let noun = word.trim_end_matches('s');
            if !PRICE_NOUNS.contains(&word.as_str()) {
                continue;
            }
            let sentence = turn.words.sentence.get(i).copied();
            let same = |k: usize| turn.words.sentence.get(k).copied() == sentence;
            // "no [late] fee", "zero [change] fee", "[fee] waived", "free of charge".
            let negated_at = (1..=MAX_MODIFIERS + 1).filter_map(|back| i.checked_sub(back)).find(|&k| same(k) && matches!(w[k].as_str(), "no" | "zero"));
            let waived_after = w.get(i + 1).is_some_and(|n| n == "waived") || (i >= 2 && w[i - 1] == "of" && w[i - 2] == "free");
            let Some(start) = negated_at.map(|k| k + 1).or(waived_after.then_some(i)) else { continue };
            // "No, the fee is forty" answers no; only modifiers that name the price are taken.
            let modifiers: Vec<String> = w[start..i].iter().filter(|m| m.chars().all(char::is_alphabetic) && !is_stopword(m)).cloned().collect();
            if modifiers.len() != i - start {
                continue;
            }
            let name = name_from(&[modifiers, vec![noun.to_string()]].concat()).unwrap_or_else(|| noun.to_string());
            if !out.iter().any(|s| s.name == name) {
                out.push(Slot { name, kind: FieldKind::Money, value: json!(0.0), asked: false });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stt::{Segment, Speaker, Transcript};

    fn agent_says(text: &str) -> Vec<(String, f64)> {
        let segment = Segment { start_ms: 0, end_ms: 1000, speaker: Speaker::Agent, text: text.into(), confidence: 1.0 };
        let ctx = CallContext::new(&Transcript { segments: vec![segment], duration_ms: 1000 }, 2025);
        waived(&ctx).into_iter().map(|s| (s.name, s.value.as_f64().unwrap_or(-1.0))).collect()
    }

    #[test]
    fn a_fee_the_agent_says_there_is_none_of_is_zero_and_named_by_its_words() {
        assert_eq!(agent_says("Good news, there's no change fee on this fare."), vec![("change_fee".to_string(), 0.0)]);
        assert_eq!(agent_says("The replacement card is free of charge."), vec![("charge".to_string(), 0.0)]);
    }

    #[test]
    fn a_no_that_answers_a_question_waives_nothing() {
        assert!(agent_says("No, the fee is forty dollars.").is_empty());
        assert!(agent_says("There is a fee of ten dollars.").is_empty());
    }
}
