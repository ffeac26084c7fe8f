//! Sentiment per turn from a weighted lexicon (`data/sentiment.json`) with negation and
//! intensifiers; the call's sentiment and trend come from the customer's turns (all turns when
//! no customer is labelled): overall is the mean, the trend compares the first third with the
//! last third (improving only from an unhappy start, declining only into an unhappy end).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::call::{Sentiment, SentimentTrend, TurnSentiment};

use super::context::{CallContext, Turn};
use super::words::Phrase;

/// A mean above this is positive, below its negative is negative.
const POLARITY: f32 = 0.12;
/// A change of the customer's mean sentiment larger than this is a trend.
const TREND: f32 = 0.3;
/// A third of the call this far below zero counts as unhappy.
const UNHAPPY: f32 = 0.1;

#[derive(Debug, Default, Deserialize)]
struct Lexicon {
    terms: BTreeMap<String, f32>,
    negators: Vec<String>,
    intensifiers: Vec<String>,
}

/// Weighted terms (longest first), negators, intensifiers.
type Vocabulary = (Vec<(Phrase, f32)>, Vec<String>, Vec<String>);

fn lexicon() -> &'static Vocabulary {
    static DATA: OnceLock<Vocabulary> = OnceLock::new();
    DATA.get_or_init(|| {
        let lex: Lexicon = serde_json::from_str(include_str!("../../../data/sentiment.json")).unwrap_or_else(|e| {
            tracing::error!("built-in sentiment.json is invalid: {e}");
            Lexicon::default()
        });
        let mut terms: Vec<(Phrase, f32)> = lex.terms.iter().map(|(k, w)| (Phrase::new(k), *w)).collect();
        terms.sort_by_key(|(p, _)| std::cmp::Reverse(p.parts.len()));
        (terms, lex.negators, lex.intensifiers)
    })
}

/// Sentiment of one turn in −1…1.
pub fn turn_score(turn: &Turn) -> f32 {
    let (terms, negators, intensifiers) = lexicon();
    let words = &turn.words.words;
    let mut covered = vec![false; words.len()];
    let mut total = 0.0_f32;
    for (phrase, weight) in terms {
        for start in turn.words.find(phrase) {
            let end = start + phrase.parts.len();
            if covered[start..end].iter().any(|c| *c) {
                continue;
            }
            covered[start..end].iter_mut().for_each(|c| *c = true);
            let before = |k: usize| start.checked_sub(k).and_then(|i| words.get(i)).map(String::as_str);
            let negated = (1..=3).filter_map(before).any(|w| negators.iter().any(|n| n == w) || w.ends_with("n't"));
            let mut w = if negated && !phrase.parts.iter().any(|p| negators.contains(p)) { -0.6 * weight } else { *weight };
            if before(1).is_some_and(|b| intensifiers.iter().any(|i| i == b)) {
                w *= 1.5;
            }
            total += w;
        }
    }
    (total / 3.0).tanh()
}

/// Per-turn scores, the overall label and the trend.
pub fn assess(ctx: &CallContext) -> (Vec<TurnSentiment>, Sentiment, SentimentTrend) {
    let turns: Vec<TurnSentiment> =
        ctx.turns.iter().map(|t| TurnSentiment { segment: t.index, start_ms: t.start_ms, score: turn_score(t) }).collect();
    let mut customer: Vec<f32> = ctx.turns.iter().zip(&turns).filter(|(t, _)| t.is_customer()).map(|(_, s)| s.score).collect();
    if customer.is_empty() {
        customer = turns.iter().map(|s| s.score).collect();
    }
    let mean = |xs: &[f32]| if xs.is_empty() { 0.0 } else { xs.iter().sum::<f32>() / xs.len() as f32 };
    let overall = mean(&customer);
    let label = if overall > POLARITY {
        Sentiment::Positive
    } else if overall < -POLARITY {
        Sentiment::Negative
    } else {
        Sentiment::Neutral
    };
    let third = (customer.len() / 3).max(1);
    let trend = if customer.len() < 3 {
        SentimentTrend::Stable
    } else {
        let (first, last) = (mean(&customer[..third]), mean(&customer[customer.len() - third..]));
        let change = last - first;
        // Closing courtesies ("thanks, have a good one") are not an improvement: the call
        // improves only from an unhappy start, and declines only into an unhappy end.
        if change > TREND && first < -UNHAPPY {
            SentimentTrend::Improving
        } else if change < -TREND && last < -UNHAPPY {
            SentimentTrend::Declining
        } else {
            SentimentTrend::Stable
        }
    };
    (turns, label, trend)
}
