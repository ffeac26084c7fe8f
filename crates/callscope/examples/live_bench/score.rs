//! Scoring live captions against a rendered call's script: word times from the truth file,
//! alignment of each event's words to the script, latencies and word error rates.

use std::path::Path;

use callscope::stt::{normalise_words, word_edits, Speaker};

/// One word of the script with its (interpolated) time in the call.
#[derive(Debug, Clone)]
pub struct ScriptWord {
    pub speaker: Speaker,
    pub word: String,
    pub end_ms: u64,
    pub start_ms: u64,
}

#[derive(serde::Deserialize)]
struct Truth {
    turns: Vec<Turn>,
}

#[derive(serde::Deserialize)]
struct Turn {
    speaker: String,
    text: String,
    start_ms: u64,
    end_ms: u64,
}

/// The script's words, each timed by interpolating within its turn by characters (the truth
/// file has only turn times): a word ends at its last character's share of the turn.
pub fn script_words(truth: &Path, until_ms: u64) -> Result<Vec<ScriptWord>, String> {
    let text = std::fs::read_to_string(truth).map_err(|e| format!("reading {}: {e}", truth.display()))?;
    let truth: Truth = serde_json::from_str(&text).map_err(|e| format!("reading {}: {e}", truth.display()))?;
    let mut out = Vec::new();
    for turn in truth.turns.iter().filter(|t| t.end_ms <= until_ms) {
        let speaker = if turn.speaker == "agent" { Speaker::Agent } else { Speaker::Customer };
        let total = turn.text.chars().count().max(1) as u64;
        let span = turn.end_ms.saturating_sub(turn.start_ms);
        let mut offset = 0u64;
        for token in turn.text.split_inclusive(char::is_whitespace) {
            let start = turn.start_ms + span * offset / total;
            offset += token.chars().count() as u64;
            let end = turn.start_ms + span * offset / total;
            for word in normalise_words(token) {
                out.push(ScriptWord { speaker, word, start_ms: start, end_ms: end });
            }
        }
    }
    Ok(out)
}

/// Pairs (i, j) where `reference[i] == hypothesis[j]` on a minimum-edit alignment.
pub fn matches(reference: &[&str], hypothesis: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (reference.len(), hypothesis.len());
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in cost.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in cost[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let same = usize::from(reference[i - 1] != hypothesis[j - 1]);
            cost[i][j] = (cost[i - 1][j - 1] + same).min(cost[i - 1][j] + 1).min(cost[i][j - 1] + 1);
        }
    }
    let (mut i, mut j, mut out) = (n, m, Vec::new());
    while i > 0 && j > 0 {
        let same = reference[i - 1] == hypothesis[j - 1];
        if cost[i][j] == cost[i - 1][j - 1] + usize::from(!same) {
            if same {
                out.push((i - 1, j - 1));
            }
            i -= 1;
            j -= 1;
        } else if cost[i][j] == cost[i - 1][j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out.reverse();
    out
}

/// Script words a caption may show: the speaker's words near the caption's time span.
const NEAR_MS: u64 = 2_000;

/// Mark the script words an event shows (aligned within its time span) as seen at `at_ms`.
pub fn mark_seen(script: &[ScriptWord], seen: &mut [Option<u64>], speaker: Speaker, span: (u64, u64), text: &str, at_ms: u64) {
    let words = normalise_words(text);
    if words.is_empty() {
        return;
    }
    let candidates: Vec<usize> = (0..script.len())
        .filter(|&i| {
            let w = &script[i];
            w.speaker == speaker && w.end_ms + NEAR_MS >= span.0 && w.start_ms <= span.1 + NEAR_MS
        })
        .collect();
    let reference: Vec<&str> = candidates.iter().map(|&i| script[i].word.as_str()).collect();
    for (r, _) in matches(&reference, &words) {
        let slot = &mut seen[candidates[r]];
        if slot.is_none_or(|t| at_ms < t) {
            *slot = Some(at_ms);
        }
    }
}

/// Word errors and reference words of each speaker's text against the script.
pub fn edits_by_speaker(script: &[ScriptWord], hypothesis: &[(Speaker, String)]) -> (usize, usize) {
    let mut edits = 0;
    let mut total = 0;
    for speaker in [Speaker::Agent, Speaker::Customer] {
        let reference: Vec<String> = script.iter().filter(|w| w.speaker == speaker).map(|w| w.word.clone()).collect();
        let heard: Vec<String> =
            hypothesis.iter().filter(|(s, _)| *s == speaker).flat_map(|(_, text)| normalise_words(text)).collect();
        edits += word_edits(&reference, &heard);
        total += reference.len();
    }
    (edits, total)
}

/// The `p`th percentile (0–100) of `values`, nearest rank.
pub fn percentile(values: &[i64], p: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank - 1).copied()
}
