//! The agent's name: their own introduction, early in the call or at its end, else the
//! name the customer greets or thanks them with.

use super::super::context::{CallContext, Turn};
use super::parts::{after_phrase, followed_by_business, name_at, BUSINESS};

/// The agent's name, from their self-introduction; when that is missing or not a word a
/// name can be (a recogniser's "Pre-You're"), from the customer's greeting ("Hi Priya!") or
/// thanks ("Thank you, Gabriel").
pub fn agent_name(ctx: &CallContext) -> Option<String> {
    let intro = introduced_agent(ctx);
    if intro.as_deref().is_some_and(|n| n.chars().all(|c| c.is_alphabetic() || c == '-')) {
        return intro;
    }
    greeted_agent(ctx).or(intro)
}

/// A single name right after one of `openers` at the start of a sentence: "Hi Priya!",
/// "Thanks, Gabriel."
fn addressed_after(turn: &Turn, openers: &[&str], at_start: bool) -> Option<String> {
    let words = &turn.words.words;
    for (i, w) in words.iter().enumerate() {
        if !openers.contains(&w.as_str()) || (at_start && i > 0) {
            continue;
        }
        let next = if words.get(i + 1).is_some_and(|n| n == "you") { i + 2 } else { i + 1 };
        let Some(&token) = turn.words.token.get(next) else { continue };
        if let Some((parts, after)) = name_at(turn, token) {
            // The name ends the phrase: "Thanks, Gabriel." not "Thanks, Gabriel Smith called".
            let ends = turn.scan.tokens.get(after).is_none_or(|t| t.kind == crate::analysis::spoken::TokenKind::Punct);
            if parts.len() == 1 && ends && !followed_by_business(turn, after) {
                return parts.first().cloned();
            }
        }
    }
    None
}

/// "Hi Priya!" opening one of the customer's first turns, else "Thank you, Gabriel" anywhere.
fn greeted_agent(ctx: &CallContext) -> Option<String> {
    let customer = || ctx.turns.iter().filter(|t| t.is_customer() && !t.is_agent());
    customer()
        .take(2)
        .find_map(|t| addressed_after(t, &["hi", "hey", "hello", "thanks"], true))
        .or_else(|| customer().find_map(|t| addressed_after(t, &["thanks", "thank"], false)))
}

const INTROS: &[&[&str]] = &[&["my", "name", "is"], &["my", "name's"], &["this", "is"], &["speaking", "with"], &["you've", "reached"], &["it's"], &["i'm"]];

/// The agent's own introduction: in the first four agent turns, else anywhere ("My name's
/// Yusuf, if you call back about it.").
fn introduced_agent(ctx: &CallContext) -> Option<String> {
    let agent: Vec<&Turn> = ctx.turns.iter().filter(|t| t.is_agent()).collect();
    let (early, late) = agent.split_at(agent.len().min(4));
    early.iter().find_map(|t| introduction(t, true)).or_else(|| late.iter().find_map(|t| introduction(t, false)))
}

fn introduction(turn: &Turn, opening: bool) -> Option<String> {
    for intro in INTROS {
        // Late in a call "this is" and "it's" introduce things, not people.
        if !opening && matches!(*intro, ["this", "is"] | ["it's"] | ["you've", "reached"]) {
            continue;
        }
        for start in after_phrase(turn, intro) {
            let Some((parts, next)) = name_at(turn, start) else { continue };
            if followed_by_business(turn, next) || parts.iter().any(|p| BUSINESS.contains(&p.to_lowercase().as_str())) {
                continue;
            }
            let after = turn.scan.tokens.get(next).map_or("", |t| t.norm.as_str());
            if *intro == ["it's"] && after != "speaking" {
                continue;
            }
            // "I'm Oskar, by the way" – a name alone, ending the phrase.
            if *intro == ["i'm"] && (parts.len() > 1 || !matches!(after, "" | "," | "." | "!" | "and" | "from" | "with" | "here" | "by")) {
                continue;
            }
            return parts.first().cloned();
        }
    }
    for (i, t) in turn.scan.tokens.iter().enumerate() {
        if t.norm == "speaking" && i > 0 {
            if let Some((parts, _)) = name_at(turn, i - 1).filter(|(_, n)| *n == i) {
                return parts.first().cloned();
            }
        }
    }
    None
}
