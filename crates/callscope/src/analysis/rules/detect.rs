//! Domain and category detection by weighted vocabulary (`data/domains.json`).
//!
//! Each keyword found adds its weight, counted at most three times, more in the opening turns
//! (the greeting names the business, the customer's first turn the reason) and in customer
//! turns. A pair scores its domain's words plus 1.5 × its category's words. Pairs from the
//! store's catalog that the data does not know are scored from their names and descriptions,
//! and a catalog pair within 15 % of the best wins over a pair the catalog lacks.
//!
//! The category must be borne out by the call's reason: the customer's statement of why they
//! call, the agent's reply to it and the opening. When no category of the domain has a word
//! there, the category is named after the reason instead (`reason::category_from_reason`), so
//! a kind of call the vocabulary lacks gets its own name rather than a wrong one. When no
//! domain reaches `MIN_DOMAIN_SCORE` the call is `general/<reason>`, with a low confidence.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::call::DomainCatalog;
use crate::call::Detection;
use crate::stt::Speaker;

use super::context::CallContext;
use super::reason;
use super::words::{is_stopword, Phrase};

const MIN_DOMAIN_SCORE: f32 = 6.0;
/// Weighted category words the reason must hold for a vocabulary category to be trusted.
const MIN_REASON_SCORE: f32 = 3.0;
const CATALOG_MARGIN: f32 = 0.85;
const CATEGORY_WEIGHT: f32 = 1.5;

#[derive(Debug, Deserialize)]
struct DomainData {
    domains: Vec<DomainDef>,
}

#[derive(Debug, Deserialize)]
struct DomainDef {
    domain: String,
    #[serde(default)]
    fallback: bool,
    keywords: BTreeMap<String, f32>,
    categories: Vec<CategoryDef>,
}

#[derive(Debug, Deserialize)]
struct CategoryDef {
    category: String,
    description: String,
    keywords: BTreeMap<String, f32>,
}

fn data() -> &'static DomainData {
    static DATA: OnceLock<DomainData> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../../data/domains.json")).unwrap_or_else(|e| {
            tracing::error!("built-in domains.json is invalid: {e}");
            DomainData { domains: Vec::new() }
        })
    })
}

/// Every domain/category pair the offline analyzer knows, with descriptions.
pub fn builtin_catalog() -> DomainCatalog {
    let mut catalog = DomainCatalog::default();
    for d in &data().domains {
        for c in &d.categories {
            catalog.entries.push(crate::call::CatalogEntry {
                domain: d.domain.clone(),
                category: c.category.clone(),
                description: c.description.clone(),
            });
        }
    }
    catalog
}

/// Weighted keyword score of the call: each phrase counts at most three (weighted) times.
fn score(ctx: &CallContext, keywords: &[(Phrase, f32)]) -> f32 {
    keywords
        .iter()
        .map(|(phrase, weight)| {
            // A cheap substring test first: most phrases do not occur in most turns.
            let needle = phrase.parts.first().map_or("", |p| p.trim_end_matches(['e', 'y']));
            let hits: f32 = ctx
                .turns
                .iter()
                .filter(|t| t.lower.contains(needle))
                .map(|t| t.words.find(phrase).len() as f32 * turn_weight(ctx, t.index, t.speaker))
                .sum();
            weight * hits.min(3.0)
        })
        .sum()
}

/// Opening turns say who is called and why; customers say what the call is about.
fn turn_weight(ctx: &CallContext, index: usize, speaker: Speaker) -> f32 {
    let opening = if index < 2 || (index < 4 && speaker == Speaker::Customer && first_customer(ctx) == Some(index)) { 2.0 } else { 1.0 };
    let who = if speaker == Speaker::Customer { 1.2 } else { 1.0 };
    opening * who
}

/// Weighted keyword score over some turns only, each hit counted once per turn.
fn score_in(ctx: &CallContext, keywords: &[(Phrase, f32)], turns: &[usize]) -> f32 {
    keywords
        .iter()
        .map(|(phrase, weight)| weight * turns.iter().filter_map(|&i| ctx.turns.get(i)).filter(|t| t.words.contains(phrase)).count() as f32)
        .sum()
}

/// The turns that say what the call is about: the opening, the customer's reason and the
/// agent's reply to it.
fn reason_window(ctx: &CallContext) -> Vec<usize> {
    let mut turns: Vec<usize> = (0..ctx.turns.len().min(2)).collect();
    if let Some((at, _)) = reason::reason(ctx) {
        for i in [at, at + 1] {
            if i < ctx.turns.len() && !turns.contains(&i) {
                turns.push(i);
            }
        }
    }
    turns
}

fn first_customer(ctx: &CallContext) -> Option<usize> {
    ctx.turns.iter().find(|t| t.speaker == Speaker::Customer).map(|t| t.index)
}

fn phrases(map: &BTreeMap<String, f32>) -> Vec<(Phrase, f32)> {
    map.iter().map(|(k, w)| (Phrase::new(k), *w)).collect()
}

/// Keywords for a pair the data does not know: the words of its names and description.
fn derived(text: &str, weight: f32) -> Vec<(Phrase, f32)> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.len() > 2 && !is_stopword(w))
        .map(|w| (Phrase::new(&w), weight))
        .collect()
}

struct Candidate {
    domain: String,
    category: String,
    score: f32,
}

/// Detect the call's domain and category.
pub fn detect(ctx: &CallContext, catalog: &DomainCatalog) -> Detection {
    let mut candidates = Vec::new();
    let mut domain_scores: BTreeMap<String, f32> = BTreeMap::new();
    let mut fallback = None;
    for d in &data().domains {
        if d.fallback {
            fallback = Some(d);
            continue;
        }
        let ds = score(ctx, &phrases(&d.keywords));
        domain_scores.insert(d.domain.clone(), ds);
        for c in &d.categories {
            let cs = score(ctx, &phrases(&c.keywords));
            candidates.push(Candidate { domain: d.domain.clone(), category: c.category.clone(), score: ds + CATEGORY_WEIGHT * cs });
        }
    }
    for entry in &catalog.entries {
        if candidates.iter().any(|c| c.domain == entry.domain && c.category == entry.category) {
            continue;
        }
        let ds = domain_scores.get(&entry.domain).copied().unwrap_or_else(|| score(ctx, &derived(&entry.domain, 3.0)));
        let words = format!("{} {}", entry.category.replace('_', " "), entry.description);
        let cs = score(ctx, &derived(&words, 1.5));
        candidates.push(Candidate { domain: entry.domain.clone(), category: entry.category.clone(), score: ds + CATEGORY_WEIGHT * cs });
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best_domain_score = domain_scores.values().copied().fold(0.0_f32, f32::max);
    let Some(best) = candidates.first().filter(|_| best_domain_score >= MIN_DOMAIN_SCORE) else {
        return general(ctx, fallback);
    };
    let chosen = if catalog.contains(&best.domain, &best.category) {
        best
    } else {
        candidates
            .iter()
            .find(|c| catalog.contains(&c.domain, &c.category) && c.score >= CATALOG_MARGIN * best.score)
            .unwrap_or(best)
    };
    let runner_up = candidates
        .iter()
        .filter(|c| !(c.domain == chosen.domain && c.category == chosen.category))
        .map(|c| c.score)
        .fold(0.0_f32, f32::max);
    let confidence = confidence(chosen.score, runner_up);
    let domain = chosen.domain.clone();
    match reasoned_category(ctx, &domain, &candidates, catalog) {
        Some(category) => Detection { domain, category, confidence },
        None => {
            // A name from the reason only when it names something of the domain's own
            // vocabulary ("escrow_shortage"); "son_addition" says less than the best category.
            let category = reason::category_from_reason(ctx, &|w| domain_weight(&domain, w))
                .filter(|c| c.split('_').any(|w| domain_weight(&domain, w) > 0.0))
                .unwrap_or_else(|| chosen.category.clone());
            Detection { domain, category, confidence: confidence.min(0.5) }
        }
    }
}

/// Keywords of a pair: from the data, or from a catalog pair's names and description.
fn category_keywords(domain: &str, category: &str, catalog: &DomainCatalog) -> Vec<(Phrase, f32)> {
    let known = data().domains.iter().find(|d| d.domain == domain).and_then(|d| d.categories.iter().find(|c| c.category == category));
    match known {
        Some(c) => phrases(&c.keywords),
        None => {
            let description = catalog.entries.iter().find(|e| e.domain == domain && e.category == category).map_or("", |e| e.description.as_str());
            derived(&format!("{} {description}", category.replace('_', " ")), 1.5)
        }
    }
}

/// The domain's category that the call's reason bears out (the best by whole call plus twice
/// the reason), or none when no category of the domain has a word in the reason.
fn reasoned_category(ctx: &CallContext, domain: &str, candidates: &[Candidate], catalog: &DomainCatalog) -> Option<String> {
    let window = reason_window(ctx);
    candidates
        .iter()
        .filter(|c| c.domain == domain)
        .map(|c| (c, score_in(ctx, &category_keywords(domain, &c.category, catalog), &window)))
        .filter(|(_, r)| *r >= MIN_REASON_SCORE)
        .max_by(|a, b| (a.0.score + 2.0 * a.1).total_cmp(&(b.0.score + 2.0 * b.1)))
        .map(|(c, _)| c.category.clone())
}

/// How strongly a word belongs to a domain's vocabulary.
fn domain_weight(domain: &str, word: &str) -> f32 {
    let Some(d) = data().domains.iter().find(|d| d.domain == domain) else { return 0.0 };
    let all = d.keywords.iter().chain(d.categories.iter().flat_map(|c| c.keywords.iter()));
    all.filter(|(k, _)| k.split(' ').any(|p| p == word || super::words::inflected(word, p))).map(|(_, w)| *w).fold(0.0, f32::max)
}

/// 0…1 from the margin over the runner-up, damped for weak evidence.
fn confidence(best: f32, runner_up: f32) -> f32 {
    if best <= 0.0 {
        return 0.1;
    }
    let margin = ((best - runner_up) / best).clamp(0.0, 1.0);
    let strength = (best / 30.0).min(1.0);
    ((0.35 + 0.65 * margin) * (0.5 + 0.5 * strength)).clamp(0.05, 0.99)
}

/// `general/<reason>`: the fallback category the call's words fit best, else one named after
/// the reason, else `inquiry`.
fn general(ctx: &CallContext, fallback: Option<&DomainDef>) -> Detection {
    let mut best: Option<(String, f32)> = None;
    if let Some(d) = fallback {
        for c in &d.categories {
            let s = score(ctx, &phrases(&c.keywords));
            if s > 0.0 && best.as_ref().is_none_or(|(_, b)| s > *b) {
                best = Some((c.category.clone(), s));
            }
        }
    }
    let category = best.map(|(c, _)| c).or_else(|| reason::category_from_reason(ctx, &|_| 0.0)).unwrap_or_else(|| "inquiry".into());
    Detection { domain: "general".into(), category, confidence: 0.2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_parses_and_covers_the_seed_catalog() {
        let builtin = builtin_catalog();
        assert!(builtin.entries.len() > 40);
        for e in DomainCatalog::seed().entries {
            assert!(builtin.contains(&e.domain, &e.category), "{}/{}", e.domain, e.category);
        }
    }
}
