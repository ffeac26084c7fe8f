//! How the call ended and what was promised.
//!
//! Resolution: escalated when the agent transfers or escalates; unresolved when the agent
//! refuses and the customer ends unhappy; follow-up when work stays open after the call
//! (a technician visit, a pending application, an ongoing outage) at least as strongly as
//! there are signs of completion; otherwise resolved.

use crate::analysis::spoken;
use crate::call::{Resolution, TurnSentiment};
use crate::stt::Speaker;

use super::context::{CallContext, Turn};
use super::words::Phrase;

const ESCALATION: &[&str] = &["transfer you to", "transferring you", "escalate", "escalated", "escalating", "my supervisor", "a supervisor", "a manager will", "specialist will call"];
const REFUSAL: &[&str] = &["not able to", "unable to", "can't", "cannot", "unfortunately", "i'm afraid", "no way to", "not eligible"];
const OPEN: &[&str] = &[
    "technician", "pending", "deadline", "restoration", "restored", "crew", "priority list", "we'll call you", "will call you",
    "call you back", "once we receive", "if we don't receive", "text updates", "under review", "still investigating",
    "when the power is back", "follow up with you", "waiting on", "get back to you",
];
const DONE: &[&str] = &[
    "all set", "went through", "i've booked", "i've moved", "i've approved", "approve it", "i've updated", "i've blocked",
    "ordering a replacement", "takes effect", "i've processed", "i've added", "i've applied", "that's everything",
    "that's all", "covers it", "fixed it", "anything else", "is there anything else", "that's it", "i've reset",
];

fn count(turn: &Turn, phrases: &[&str]) -> usize {
    phrases.iter().filter(|p| turn.says(p)).count()
}

/// How the call ended, given the per-turn sentiment.
pub fn resolution(ctx: &CallContext, sentiments: &[TurnSentiment]) -> Resolution {
    let agent = || ctx.turns.iter().filter(|t| t.speaker != Speaker::Customer);
    if agent().any(|t| t.says_any(ESCALATION)) {
        return Resolution::Escalated;
    }
    let customer: Vec<f32> = ctx
        .turns
        .iter()
        .zip(sentiments)
        .filter(|(t, _)| t.is_customer())
        .map(|(_, s)| s.score)
        .collect();
    let tail = &customer[customer.len() - (customer.len() / 3).max(1).min(customer.len())..];
    let ending = if tail.is_empty() { 0.0 } else { tail.iter().sum::<f32>() / tail.len() as f32 };
    let refused = agent().any(|t| t.says_any(REFUSAL) && !t.says("can't keep"));
    if refused && ending < -0.1 {
        return Resolution::Unresolved;
    }
    let half = ctx.turns.len() / 2;
    let open: usize = ctx.turns.iter().skip(half).filter(|t| t.speaker != Speaker::Customer).map(|t| count(t, OPEN)).sum();
    let done: usize = ctx.turns.iter().map(|t| count(t, DONE)).sum();
    if open >= 2 && open >= done {
        Resolution::FollowUp
    } else {
        Resolution::Resolved
    }
}

const AGENT_PROMISES: &[&str] = &[
    "i'll", "i will", "we'll", "we will", "you'll get", "you'll receive", "you will get", "you will receive", "you'll see",
    "will call", "will text", "will send", "will email", "will be sent", "will appear", "will go", "will reach out",
    "please bring", "please book", "please call", "will call you", "will contact", "will arrive", "should arrive",
    "will be mailed", "will be shipped", "will be credited", "will be refunded",
];
const CUSTOMER_PROMISES: &[&str] = &["i'll call", "i'll upload", "i'll send", "i'll do that", "i'll write", "i'll bring", "i'll book", "i'll have to", "i'll contact", "i'll file"];

/// Commitments made on the call: the agent's ("I'll email you…", "You'll receive…") and the
/// customer's ("I'll upload them this week" → "Customer: …").
pub fn follow_ups(ctx: &CallContext) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for turn in &ctx.turns {
        let promises = if turn.speaker == Speaker::Customer { CUSTOMER_PROMISES } else { AGENT_PROMISES };
        let phrases: Vec<Phrase> = promises.iter().map(|p| Phrase::new(p)).collect();
        for (n, span) in turn.words.sentences.iter().enumerate() {
            if span.question {
                continue;
            }
            let range = turn.words.sentence_words(n);
            let hit = range.clone().any(|i| phrases.iter().any(|p| p.matches_at(&turn.words.words, i)));
            // "I'll need to verify your identity", "let me check" are steps, not promises.
            let w = &turn.words.words;
            let procedural = range.clone().any(|i| w[i] == "verify" || (w[i] == "let" && w.get(i + 1).is_some_and(|n| n == "me")));
            if !hit || procedural || range.len() < 3 {
                continue;
            }
            let Some(raw) = turn.text.get(span.start..span.end) else { continue };
            let text = spoken::written(raw, ctx.year).trim().trim_end_matches(['.', '!']).to_string();
            let text = if turn.speaker == Speaker::Customer { format!("Customer: {text}") } else { text };
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out.truncate(8);
    out
}
