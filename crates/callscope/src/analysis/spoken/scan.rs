//! Finds every value in a text: e-mails, dates, times, money, identifiers, then plain numbers.
//! Each recogniser claims the tokens it uses, so a token belongs to at most one mention.

use super::mention::{Mention, Value};
use super::numbers::{number_runs, NumberRun};
use super::token::{tokenize, Token};
use super::{dates, email, ident, money, times};

/// A scanned text: its tokens and the values found in it, in text order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// Every token of the text.
    pub tokens: Vec<Token>,
    /// The values found, by start offset.
    pub mentions: Vec<Mention>,
}

impl Scan {
    /// The mention covering token `index`, if any.
    pub fn mention_at_token(&self, index: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.first_token <= index && index <= m.last_token)
    }
}

/// Scan `text` for values.
pub fn scan(text: &str) -> Scan {
    let tokens = tokenize(text);
    let runs = number_runs(&tokens);
    let mut s = Scanner { used: vec![false; tokens.len()], tokens, runs, mentions: Vec::new() };
    email::recognise(&mut s);
    dates::recognise(&mut s);
    times::recognise(&mut s);
    money::recognise(&mut s);
    ident::recognise(&mut s);
    plain_numbers(&mut s);
    let mut mentions = s.mentions;
    mentions.sort_by_key(|m| m.start);
    Scan { tokens: s.tokens, mentions }
}

/// Working state shared by the recognisers.
pub(super) struct Scanner {
    pub tokens: Vec<Token>,
    pub runs: Vec<NumberRun>,
    used: Vec<bool>,
    mentions: Vec<Mention>,
}

impl Scanner {
    /// Whether tokens `first..=last` are all unclaimed.
    pub fn free(&self, first: usize, last: usize) -> bool {
        last < self.used.len() && first <= last && !self.used[first..=last].iter().any(|u| *u)
    }

    /// Record a mention over tokens `first..=last` and claim them.
    pub fn push(&mut self, value: Value, first: usize, last: usize) {
        if !self.free(first, last) {
            return;
        }
        for u in &mut self.used[first..=last] {
            *u = true;
        }
        let start = self.tokens[first].start;
        let end = self.tokens[last].end;
        self.mentions.push(Mention { value, start, end, first_token: first, last_token: last });
    }

    /// The last date recognised before token `i`.
    pub fn date_before(&self, i: usize) -> Option<super::mention::SpokenDate> {
        self.mentions
            .iter()
            .filter(|m| m.last_token < i)
            .max_by_key(|m| m.last_token)
            .and_then(|m| match m.value {
                Value::Date { date } => Some(date),
                _ => None,
            })
    }

    /// Index and value of the mention that starts at token `i`.
    pub fn mention_starting_at(&self, i: usize) -> Option<(usize, &Mention)> {
        self.mentions.iter().enumerate().find(|(_, m)| m.first_token == i)
    }

    /// Replace the mentions at `remove` (indices) by one mention over tokens `first..=last`.
    pub fn merge(&mut self, mut remove: Vec<usize>, value: Value, first: usize, last: usize) {
        remove.sort_unstable();
        for index in remove.into_iter().rev() {
            if index < self.mentions.len() {
                self.mentions.remove(index);
            }
        }
        let last = last.min(self.tokens.len().saturating_sub(1));
        if first > last {
            return;
        }
        for u in &mut self.used[first..=last] {
            *u = false;
        }
        self.push(value, first, last);
    }

    /// The lowercase form of token `i`, or "" past the end.
    pub fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.norm.as_str())
    }

    /// The number run starting exactly at token `i`, if it is unclaimed.
    pub fn run_at(&self, i: usize) -> Option<&NumberRun> {
        self.runs.iter().find(|r| r.first == i && self.free(r.first, r.last))
    }

    /// Index of the first token at or after `i` that is not one of `skip` (lowercase words or
    /// punctuation).
    pub fn skip(&self, mut i: usize, skip: &[&str]) -> usize {
        while i < self.tokens.len() && skip.contains(&self.word(i)) {
            i += 1;
        }
        i
    }
}

fn plain_numbers(s: &mut Scanner) {
    let runs = s.runs.clone();
    for run in runs {
        if !s.free(run.first, run.last) {
            continue;
        }
        let after = run.last + 1;
        if matches!(s.word(after), "percent" | "%") {
            if let Some(v) = run.value() {
                s.push(Value::Percent { value: v }, run.first, after);
                continue;
            }
        }
        if run.is_ordinal() {
            let value = run.value().unwrap_or(0.0) as u32;
            s.push(Value::Ordinal { value }, run.first, run.last);
            continue;
        }
        let value = if run.is_digit_sequence() { None } else { run.value() };
        let digit_sequence = run.is_digit_sequence();
        s.push(Value::Number { value, digits: run.digits(), digit_sequence }, run.first, run.last);
    }
}
