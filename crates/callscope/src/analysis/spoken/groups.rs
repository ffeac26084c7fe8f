//! How the comma- and dash-separated groups of a number run join into digit strings
//! ("six two zero, five five one" → 620551884; "7-1-1-4" → 7114) or stay apart ("ten,
//! fifteen minutes"; "2-3 days"), and Whisper's "300 and 40" read as one cardinal.

use super::numbers::{Chunk, NumberRun};
use super::token::{Token, TokenKind};

/// One comma/dash separated group of a run, with the separator before it (' ' for the first)
/// and whether that separator touches both neighbours ("7-1", not "7 - 1").
pub(super) struct Group {
    pub chunks: Vec<Chunk>,
    pub separator: char,
    pub glued: bool,
}

/// A group read digit by digit (several chunks, or three or more written digits).
fn digit_style(group: &[Chunk]) -> bool {
    group.len() >= 2 || group.first().is_some_and(|c| c.written && !c.decimal && !c.ordinal && c.digits.len() >= 3)
}

/// Join neighbouring groups only when both are read digit by digit; "ten, fifteen minutes"
/// stays two numbers, "six two zero, five five one" becomes one, and a short written head
/// before a dash ("20-4471-993", "1-800-…") joins the digit group after it.
pub(super) fn split_groups(tokens: &[Token], groups: Vec<Group>) -> Vec<NumberRun> {
    let chained = dash_chains(tokens, &groups);
    let mut runs: Vec<NumberRun> = Vec::new();
    let mut prev_digit_style = false;
    let mut prev_head = false;
    for (g, (group, separator)) in groups.into_iter().map(|g| (g.chunks, g.separator)).enumerate() {
        let style = digit_style(&group);
        let head = country_code(&group) || short_written(&group);
        let digits: String = group.iter().map(|c| c.digits.as_str()).collect();
        let (Some(first), Some(last)) = (group.first().map(|c| c.first), group.last().map(|c| c.last)) else { continue };
        let joins = (prev_digit_style && (style || group_is_tail(&group)))
            || (prev_head && separator == '-' && style)
            || chained[g];
        let mut continues = false;
        match runs.last_mut() {
            Some(run) if joins => {
                run.chunks.extend(group);
                run.groups.push(digits);
                run.last = last;
                continues = true;
            }
            _ => runs.push(NumberRun { chunks: group, groups: vec![digits], first, last }),
        }
        // "539-41-7702": a short middle group keeps the digit string going.
        prev_digit_style = style || continues;
        prev_head = head && !continues;
    }
    runs
}

/// Which groups continue a written dash chain: Whisper writes digits said one by one as
/// "7-1-1-4-0-8-2-6" or "627-1". Three or more glued groups are one digit string; two are
/// when one side has three digits or more ("627-1") or both are single digits not followed by
/// a unit ("ends in 2-9", but "2-3 days" is a range). An ISO date (2025-09-28) is left to the
/// date reader.
fn dash_chains(tokens: &[Token], groups: &[Group]) -> Vec<bool> {
    let written = |g: &Group| matches!(g.chunks.as_slice(), [c] if c.written && !c.decimal && !c.ordinal);
    let mut chained = vec![false; groups.len()];
    let mut start = 0;
    while start < groups.len() {
        let mut end = start + 1;
        while end < groups.len() && written(&groups[start]) && written(&groups[end]) && groups[end].separator == '-' && groups[end].glued {
            end += 1;
        }
        let lengths: Vec<usize> = groups[start..end].iter().map(|g| g.chunks.iter().map(|c| c.digits.len()).sum()).collect();
        let joins = match lengths.as_slice() {
            [4, 2, 2] => false,
            [1, 1] => !groups[end - 1].chunks.last().is_some_and(|c| tokens.get(c.last + 1).is_some_and(|t| t.kind == TokenKind::Word && !t.is_word("not"))),
            [a, b] => *a >= 3 || *b >= 3,
            l => l.len() >= 3,
        };
        if joins {
            chained[start + 1..end].iter_mut().for_each(|c| *c = true);
        }
        start = end;
    }
    chained
}

/// One or two written digits: a possible head of a dashed number.
fn short_written(group: &[Chunk]) -> bool {
    matches!(group, [c] if c.written && !c.decimal && !c.ordinal && c.digits.len() <= 2)
}

/// A leading written or spoken "1" before a dialled number ("1-800-…").
fn country_code(group: &[Chunk]) -> bool {
    matches!(group, [c] if c.digits == "1" && !c.ordinal)
}

/// A short trailing group of a digit string ("…, two six" is digit style already; "…, 29"
/// written as two digits also belongs).
fn group_is_tail(group: &[Chunk]) -> bool {
    matches!(group, [c] if c.written && !c.decimal && c.digits.len() == 2)
}

/// "300 and 40 customers": Whisper writes "three hundred and forty" as a round written number,
/// "and", then the rest under a hundred. Joined into one cardinal unless a list goes on after
/// it ("300 and 40, and 12").
pub(super) fn join_written_hundreds(tokens: &[Token], runs: Vec<NumberRun>) -> Vec<NumberRun> {
    let mut out: Vec<NumberRun> = Vec::with_capacity(runs.len());
    for run in runs {
        let joined = out.last_mut().and_then(|prev| {
            let ([head], [tail]) = (prev.chunks.as_slice(), run.chunks.as_slice()) else { return None };
            let round = head.written && !head.decimal && !head.ordinal && head.value >= 100.0 && head.value % 100.0 == 0.0;
            let small = !tail.decimal && (1.0..100.0).contains(&tail.value);
            let and_between = run.first == prev.last + 2 && tokens.get(prev.last + 1).is_some_and(|t| t.is_word("and"));
            let list_goes_on = tokens.get(run.last + 1).is_some_and(|t| t.is_punct(',') || t.is_word("and") || t.is_word("or"));
            (round && small && and_between && !list_goes_on).then_some(prev)
        });
        match joined {
            Some(prev) => {
                let value = prev.chunks[0].value + run.chunks[0].value;
                let digits = format!("{value}");
                let chunk = Chunk { value, digits: digits.clone(), first: prev.first, last: run.last, ordinal: run.chunks[0].ordinal, decimal: false, written: true };
                *prev = NumberRun { chunks: vec![chunk], groups: vec![digits], first: prev.first, last: run.last };
            }
            None => out.push(run),
        }
    }
    out
}
