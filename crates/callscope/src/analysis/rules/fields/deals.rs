//! Structured text fields: service plans with their speed ("Gig (1 Gbps)") and card
//! transactions the customer disowns ({merchant, amount, time}).

use serde_json::{json, Map, Value as Json};

use crate::analysis::spoken::{format_number, TokenKind, Value};

use super::super::context::{CallContext, Turn};
use super::super::lexicon::can_be_name;
use super::super::schema::{FieldDef, Pick};
use super::super::words::is_stopword;
use super::cues::{score, Cues, Place};

struct PlanMention<'a> {
    turn: &'a Turn,
    word: usize,
    name: String,
}

/// Plan names ("our Essential plan") and every later mention of the same names ("the Gig").
fn plan_mentions(ctx: &CallContext) -> Vec<PlanMention<'_>> {
    let mut names: Vec<String> = Vec::new();
    for turn in &ctx.turns {
        for (p, w) in turn.words.words.iter().enumerate() {
            if !matches!(w.as_str(), "plan" | "package" | "tier" | "bundle") || p == 0 {
                continue;
            }
            let Some(tok) = turn.words.token.get(p - 1).and_then(|&t| turn.scan.tokens.get(t)) else { continue };
            if tok.kind == TokenKind::Word && tok.capitalized && !is_stopword(&tok.norm) && can_be_name(&tok.norm) {
                let name = tok.text(&turn.text).to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    let mut out = Vec::new();
    for turn in &ctx.turns {
        for (p, &t) in turn.words.token.iter().enumerate() {
            let Some(tok) = turn.scan.tokens.get(t) else { continue };
            if tok.capitalized && names.iter().any(|n| n == tok.text(&turn.text)) {
                out.push(PlanMention { turn, word: p, name: tok.text(&turn.text).to_string() });
            }
        }
    }
    out
}

/// "two hundred megabits" → "200 Mbps" within two sentences after a plan is named.
fn speed_after(turn: &Turn, word: usize) -> Option<String> {
    let sentence = turn.words.sentence.get(word).copied()?;
    let limit = turn.words.sentence_words(sentence + 1).end.max(turn.words.sentence_words(sentence).end);
    for m in &turn.scan.mentions {
        let pos = turn.words.position_of_token(m.first_token);
        let unit_pos = turn.words.position_of_token(m.last_token) + 1;
        if pos <= word || unit_pos >= limit {
            continue;
        }
        let Value::Number { value: Some(v), .. } = m.value else { continue };
        let unit = match turn.words.words.get(unit_pos).map(String::as_str) {
            Some("megabits" | "megabit" | "mbps" | "megs" | "meg" | "megabytes") => "Mbps",
            Some("gigabit" | "gigabits" | "gig" | "gigs" | "gbps" | "gigabytes") => "Gbps",
            _ => continue,
        };
        return Some(format!("{} {unit}", format_number(v)));
    }
    None
}

/// A plan field: the plan the cues point at, with the speed said when it was introduced.
pub fn plan(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mentions = plan_mentions(ctx);
    let scored: Vec<(f32, &PlanMention)> = mentions
        .iter()
        .map(|m| (score(ctx, cues, Place { turn: m.turn, first: m.word, last: m.word }, &[]), m))
        .filter(|(s, _)| *s >= 0.2)
        .collect();
    let max = scored.iter().map(|s| s.0).fold(0.0_f32, f32::max);
    let good = scored.iter().filter(|s| s.0 >= 0.5 * max);
    let chosen = if def.pick == Pick::Last {
        good.max_by_key(|s| (s.1.turn.index, s.1.word))
    } else {
        good.max_by(|a, b| a.0.total_cmp(&b.0))
    }?;
    let name = &chosen.1.name;
    let speed = mentions.iter().filter(|m| &m.name == name).find_map(|m| speed_after(m.turn, m.word));
    Some(json!(match speed {
        Some(s) => format!("{name} ({s})"),
        None => name.clone(),
    }))
}

/// The price said in the sentence that names `plan` ("Our Basic plan is … for 49.99 a month").
pub fn plan_price(ctx: &CallContext, plan: &str) -> Option<Json> {
    let name = plan.split(" (").next().unwrap_or(plan);
    for turn in &ctx.turns {
        for m in &turn.scan.mentions {
            let Value::Money { amount } = m.value else { continue };
            let pos = turn.words.position_of_token(m.first_token);
            let sentence = turn.words.sentence.get(pos).copied().unwrap_or(0);
            let named = turn.words.sentence_words(sentence).any(|i| {
                turn.words.token.get(i).and_then(|&t| turn.scan.tokens.get(t)).is_some_and(|t| t.capitalized && t.text(&turn.text) == name)
            });
            if named {
                return Some(json!(amount));
            }
        }
    }
    None
}

const DENIALS: &[&str] = &[
    "not me", "wasn't me", "didn't make", "never bought", "don't recognize", "not mine", "never made", "that's not", "wasn't us",
    "didn't authorize", "unauthorized", "never ordered", "fraudulent",
];

/// Charges the customer says are not theirs: read out by the agent and denied in the reply
/// ("…$89.99 at Volt Electronics." – "No! That's not me."), or reported by the customer
/// ("there's a charge I didn't make, $249.99 from TechZone").
pub fn transactions(ctx: &CallContext, cues: &Cues) -> Option<Json> {
    let mut out = Vec::new();
    for turn in &ctx.turns {
        let reported = turn.is_customer() && turn.says_any(DENIALS);
        let denied_after = turn.is_agent()
            && ctx.turns.get(turn.index + 1).filter(|r| r.is_customer()).is_some_and(|reply| {
                reply.words.words.first().map(String::as_str) == Some("no") || reply.says_any(DENIALS)
            });
        let disputed = reported || denied_after;
        if !disputed {
            continue;
        }
        let cue_sentences: Vec<usize> = cues.spans(turn).iter().filter_map(|s| turn.words.sentence.get(s.0).copied()).collect();
        for m in &turn.scan.mentions {
            let Value::Money { amount } = m.value else { continue };
            let pos = turn.words.position_of_token(m.first_token);
            let sentence = turn.words.sentence.get(pos).copied().unwrap_or(0);
            let near_cue = cue_sentences.iter().any(|c| c.abs_diff(sentence) <= usize::from(reported));
            if !near_cue {
                continue;
            }
            out.push(transaction(ctx, turn, sentence, amount));
        }
    }
    out.dedup();
    (!out.is_empty()).then_some(Json::Array(out))
}

/// {merchant, amount, date, time} from one sentence.
fn transaction(ctx: &CallContext, turn: &Turn, sentence: usize, amount: f64) -> Json {
    let mut item = Map::new();
    if let Some(merchant) = merchant_in(turn, sentence) {
        item.insert("merchant".into(), json!(merchant));
    }
    item.insert("amount".into(), json!(amount));
    let in_sentence = |first_token: usize| turn.words.sentence.get(turn.words.position_of_token(first_token)) == Some(&sentence);
    for m in turn.scan.mentions.iter().filter(|m| in_sentence(m.first_token)) {
        match m.value {
            Value::Time { clock } => {
                item.insert("time".into(), json!(clock.hhmm()));
            }
            Value::Date { date } => {
                item.insert("date".into(), json!(date.iso(ctx.year)));
            }
            _ => {}
        }
    }
    Json::Object(item)
}

/// "at Volt Electronics", "from Acme": capitalised words after at/from in a sentence.
fn merchant_in(turn: &Turn, sentence: usize) -> Option<String> {
    let range = turn.words.sentence_words(sentence);
    for i in range.clone() {
        if !matches!(turn.words.words[i].as_str(), "at" | "from") {
            continue;
        }
        let mut parts = Vec::new();
        for k in i + 1..range.end.min(i + 4) {
            let tok = turn.words.token.get(k).and_then(|&t| turn.scan.tokens.get(t))?;
            if !(tok.kind == TokenKind::Word && tok.capitalized && !is_stopword(&tok.norm)) {
                break;
            }
            parts.push(tok.text(&turn.text).to_string());
        }
        if !parts.is_empty() {
            return Some(parts.join(" "));
        }
    }
    None
}
