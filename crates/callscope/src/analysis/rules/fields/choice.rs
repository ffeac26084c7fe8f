//! Yes/no fields and fields with a closed set of values ("stolen" / "lost", "pending" /
//! "approved"). Questions never set a value; for "last" fields hypothetical sentences ("if we
//! don't receive them, it would be denied") do not either.

use serde_json::{json, Value as Json};

use crate::stt::Speaker;

use super::super::context::{CallContext, Turn};
use super::super::schema::{FieldDef, Pick, Shape};
use super::super::words::Phrase;
use super::cues::Cues;
use super::phrases;

const NEGATORS: &[&str] = &[
    "no", "not", "never", "don't", "doesn't", "didn't", "won't", "isn't", "aren't", "wasn't", "weren't", "can't", "cannot",
    "unable", "without", "nothing", "haven't", "hasn't", "nobody", "none",
];

fn preferred(def: &FieldDef, speaker: Speaker) -> bool {
    match def.speaker.as_deref() {
        Some("agent") => speaker != Speaker::Customer,
        Some("customer") => speaker != Speaker::Agent,
        _ => true,
    }
}

/// Words that start a new clause: a negation before them does not reach past them ("you
/// won't be responsible for it, and a temporary credit will appear").
const CLAUSE_STARTS: &[&str] = &["and", "but", "so", "because", "while", "although", "though", "then"];

/// Whether the cue at words `first..=last` of `turn` is negated in its clause.
fn negated(turn: &Turn, first: usize, last: usize) -> bool {
    let w = &turn.words;
    let sentence = w.sentence.get(first).copied().unwrap_or(0);
    let range = w.sentence_words(sentence);
    let mut clause_start = first.saturating_sub(6).max(range.start);
    if let Some(k) = (clause_start..first).rev().find(|&k| CLAUSE_STARTS.contains(&w.words[k].as_str())) {
        clause_start = k + 1;
    }
    let before = clause_start..first;
    let after = (last + 1)..(last + 3).min(range.end);
    before.chain(after).any(|i| NEGATORS.contains(&w.words[i].as_str()) || w.words[i].ends_with("n't"))
}

/// A yes/no field: the last statement (not a question) that mentions it, negated or not.
pub fn boolean(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    for pass_preferred in [true, false] {
        for turn in ctx.turns.iter().rev() {
            if pass_preferred && !preferred(def, turn.speaker) {
                continue;
            }
            let mut spans = cues.spans(turn).to_vec();
            spans.sort_by_key(|s| std::cmp::Reverse(s.0));
            for (first, last, _) in spans {
                let sentence = turn.words.sentence.get(first).copied().unwrap_or(0);
                if turn.words.is_question(sentence) {
                    // "Can you also set up autopay?" – "I can." settles it; no answer, no value.
                    match answer_to(ctx, turn) {
                        Some(yes) if !negated(turn, first, last) => return Some(json!(yes)),
                        _ => continue,
                    }
                }
                return Some(json!(!negated(turn, first, last)));
            }
        }
    }
    def.absent.clone()
}

/// Openings of a reply that say yes or no to the question just before.
const YES: &[&str] = &["yes", "yeah", "yep", "sure", "absolutely", "certainly", "definitely", "of course", "i can", "i will", "i'll do", "done", "okay", "ok", "no problem", "no worries"];
const NO: &[&str] = &["no", "nope", "sorry", "unfortunately", "i can't", "i cannot", "i'm afraid", "we can't", "not"];

/// Whether the other side's next turn opens with a yes (Some(true)) or a no (Some(false)).
fn answer_to(ctx: &CallContext, question: &Turn) -> Option<bool> {
    let reply = ctx.turns.get(question.index + 1).filter(|t| t.speaker != question.speaker)?;
    let opening = reply.words.words.iter().take(3).map(String::as_str).collect::<Vec<_>>().join(" ");
    // The longest opening wins, so "no problem" is a yes although it starts with "no".
    let longest = |list: &[&str]| list.iter().filter(|p| opening == **p || opening.starts_with(&format!("{p} "))).map(|p| p.len()).max();
    let (yes, no) = (longest(YES), longest(NO));
    match (yes, no) {
        (Some(y), Some(n)) => Some(y > n),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

struct Hit {
    option: String,
    turn: usize,
    word: usize,
    len: usize,
}

fn hits(ctx: &CallContext, def: &FieldDef, cues: &Cues, only_preferred: bool) -> Vec<Hit> {
    let triggers: Vec<(String, Phrase)> =
        def.options.iter().flat_map(|(canon, ts)| ts.iter().map(move |t| (canon.clone(), Phrase::new(t)))).collect();
    let mut out: Vec<Hit> = Vec::new();
    for turn in &ctx.turns {
        if only_preferred && !preferred(def, turn.speaker) {
            continue;
        }
        let cue_sentences: Vec<usize> = cues.spans(turn).iter().filter_map(|s| turn.words.sentence.get(s.0).copied()).collect();
        let mut found: Vec<Hit> = Vec::new();
        for (canon, phrase) in &triggers {
            for word in turn.words.find(phrase) {
                let sentence = turn.words.sentence.get(word).copied().unwrap_or(0);
                if def.scope.as_deref() == Some("cue_sentence") && !cue_sentences.contains(&sentence) {
                    continue;
                }
                if def.pick == Pick::Last && (turn.words.is_question(sentence) || turn.words.is_hypothetical(sentence)) {
                    continue;
                }
                found.push(Hit { option: canon.clone(), turn: turn.index, word, len: phrase.parts.len() });
            }
        }
        // A longer trigger hides the shorter ones it covers ("annual physical" over "physical").
        let kept: Vec<Hit> = found
            .iter()
            .filter(|h| !found.iter().any(|o| o.len > h.len && o.word <= h.word && h.word + h.len <= o.word + o.len))
            .map(|h| Hit { option: h.option.clone(), turn: h.turn, word: h.word, len: h.len })
            .collect();
        out.extend(kept);
    }
    out.sort_by_key(|h| (h.turn, h.word));
    out
}

/// A closed-set field: one option, a list of options, or options joined by ", ".
pub fn options(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut found = hits(ctx, def, cues, true);
    if found.is_empty() && def.speaker.is_some() {
        found = hits(ctx, def, cues, false);
    }
    let first = found.first()?;
    let shape = def.shape.unwrap_or(Shape::Options);
    if matches!(shape, Shape::OptionsList | Shape::OptionsJoined) {
        let mut list: Vec<String> = Vec::new();
        for h in &found {
            if !list.contains(&h.option) {
                list.push(h.option.clone());
            }
        }
        return Some(if shape == Shape::OptionsList { json!(list) } else { json!(list.join(", ")) });
    }
    let chosen = match def.pick {
        Pick::Last => found.last().unwrap_or(first),
        _ => {
            let score = |opt: &str| -> (f32, usize) {
                let hits: Vec<&Hit> = found.iter().filter(|h| h.option == opt).collect();
                (hits.iter().map(|h| 1.0 + 0.5 * (h.len as f32 - 1.0)).sum(), hits.iter().map(|h| h.len).max().unwrap_or(0))
            };
            found
                .iter()
                .max_by(|a, b| {
                    let (sa, la) = score(&a.option);
                    let (sb, lb) = score(&b.option);
                    sa.total_cmp(&sb).then(la.cmp(&lb)).then((b.turn, b.word).cmp(&(a.turn, a.word)))
                })
                .unwrap_or(first)
        }
    };
    let detail = match def.detail.as_deref() {
        Some("duration") => phrases::duration_near(ctx, chosen.turn, chosen.word).map(|d| format!(" ({d})")),
        Some("when") => phrases::when_near(ctx, chosen.turn, chosen.word).map(|d| format!(" {d}")),
        _ => None,
    };
    Some(json!(format!("{}{}", chosen.option, detail.unwrap_or_default())))
}
