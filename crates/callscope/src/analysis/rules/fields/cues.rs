//! How strongly the words around a value point at a field: a cue right before the value
//! counts most, a cue after it a little less, a cue in the other speaker's question just before
//! ("Can I have your policy number?") still counts, and a cue separated from the value by a
//! competing value counts little.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::stt::Speaker;

use super::super::context::{CallContext, Turn};
use super::super::words::Phrase;

/// A cue found in a turn: first word, last word, weight.
pub type CueSpan = (usize, usize, f32);

/// Cue phrases with weights (multi-word cues are more specific). Where they occur is
/// remembered per turn, since every candidate value asks again.
#[derive(Debug, Clone)]
pub struct Cues {
    pub phrases: Vec<(Phrase, f32)>,
    found: RefCell<HashMap<usize, Rc<Vec<CueSpan>>>>,
}

impl Cues {
    /// Weighted cues from phrase strings.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Self {
        let phrases = phrases
            .iter()
            .map(|p| Phrase::new(p.as_ref()))
            .filter(|p| !p.parts.is_empty())
            .map(|p| {
                let w = if p.parts.len() > 1 { 1.0 + 0.15 * (p.parts.len() as f32 - 1.0) } else { 0.75 };
                (p, w)
            })
            .collect();
        Cues { phrases, found: RefCell::new(HashMap::new()) }
    }

    /// Cue positions in a turn: (first word, last word, weight).
    pub fn spans(&self, turn: &Turn) -> Rc<Vec<CueSpan>> {
        if let Some(found) = self.found.borrow().get(&turn.index) {
            return Rc::clone(found);
        }
        let mut out = Vec::new();
        for (p, w) in &self.phrases {
            for start in turn.words.find(p) {
                out.push((start, start + p.parts.len() - 1, *w));
            }
        }
        let out = Rc::new(out);
        self.found.borrow_mut().insert(turn.index, Rc::clone(&out));
        out
    }
}

/// A value's place: its turn and first/last word positions.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub turn: &'a Turn,
    pub first: usize,
    pub last: usize,
}

/// Score in 0…~1.5 of how well `cues` point at the value at `place`. `competitors` are word
/// ranges of other values of the same kind in the same turn.
pub fn score(ctx: &CallContext, cues: &Cues, place: Place<'_>, competitors: &[(usize, usize)]) -> f32 {
    let turn = place.turn;
    let mut best = 0.0_f32;
    for &(c_first, c_last, w) in cues.spans(turn).iter() {
        let s = if c_last < place.first {
            let d = (place.first - c_last - 1) as f32;
            w / (1.0 + d / 3.0)
        } else if c_first > place.last {
            let d = (c_first - place.last - 1) as f32;
            0.7 * w / (1.0 + d / 2.0)
        } else {
            w
        };
        let (lo, hi) = if c_last < place.first { (c_last, place.first) } else { (place.last, c_first) };
        let gap = hi.saturating_sub(lo);
        if gap > 14 {
            continue;
        }
        let sentence_gap = sentence_of(turn, place.first).abs_diff(sentence_of(turn, c_first));
        let sentence_factor = match sentence_gap {
            0 => 1.0,
            1 => 0.55,
            _ => 0.25,
        };
        let blocked = competitors.iter().any(|&(a, b)| a > lo && b < hi);
        let block_factor = if blocked { 0.3 } else { 1.0 };
        best = best.max(s * sentence_factor * block_factor);
    }
    // The other side's request just before ("Can I have your policy number?"), or two turns
    // back when a short reply came between ("Would you like their number?" – "Go on." – …).
    for (back, decay) in [(1, 0.6), (2, 0.4)] {
        let Some(prev) = turn.index.checked_sub(back).and_then(|i| ctx.turns.get(i)) else { break };
        let unlabelled = turn.speaker == Speaker::Unknown;
        if back == 1 && prev.speaker == turn.speaker && !unlabelled {
            continue;
        }
        if back == 2 && ((prev.speaker != turn.speaker && !unlabelled) || ctx.turns.get(turn.index - 1).is_some_and(|t| t.words.words.len() > 8)) {
            continue;
        }
        // "Why am I paying a deductible?" asks for a reason, not for the amount.
        let asks_why = |word: usize| {
            let range = prev.words.sentence_words(sentence_of(prev, word));
            prev.words.words[range].iter().take(3).any(|w| w == "why")
        };
        let asked = cues.spans(prev).iter().filter(|s| !asks_why(s.0)).map(|s| s.2).fold(0.0_f32, f32::max);
        if asked > 0.0 {
            let first_sentence = sentence_of(turn, place.first) == 0;
            let first_value = !competitors.iter().any(|&(_, b)| b < place.first);
            let position = if first_sentence && first_value { 1.0 } else if first_value { 0.7 } else { 0.4 };
            best = best.max(decay * asked * position);
        }
    }
    best
}

fn sentence_of(turn: &Turn, word: usize) -> usize {
    turn.words.sentence.get(word).copied().or_else(|| turn.words.sentence.last().copied()).unwrap_or(0)
}

/// Weight for a field that is usually said by one side.
pub fn speaker_factor(preferred: Option<&str>, speaker: Speaker) -> f32 {
    match (preferred, speaker) {
        (Some("agent"), Speaker::Customer) | (Some("customer"), Speaker::Agent) => 0.6,
        _ => 1.0,
    }
}
