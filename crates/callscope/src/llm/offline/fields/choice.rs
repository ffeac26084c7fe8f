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

/// Whether the cue at words `first..=last` of `turn` is negated in its sentence.
fn negated(turn: &Turn, first: usize, last: usize) -> bool {
    let w = &turn.words;
    let sentence = w.sentence.get(first).copied().unwrap_or(0);
    let range = w.sentence_words(sentence);
    let before = first.saturating_sub(6).max(range.start)..first;
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
                    continue;
                }
                return Some(json!(!negated(turn, first, last)));
            }
        }
    }
    def.absent.clone()
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
