//! Money: "four hundred and twelve dollars and sixty cents", "five hundred dollar deductible",
//! "nineteen ninety-nine dollars", "seventy-five cents", "$412.60", "$3,680", "$1.2 million".

use super::mention::Value;
use super::numbers::NumberRun;
use super::scan::Scanner;
use super::words::{currency_sign, currency_word};

pub(super) fn recognise(s: &mut Scanner) {
    let runs = s.runs.clone();
    for run in &runs {
        if !s.free(run.first, run.last) || run.is_ordinal() {
            continue;
        }
        let signed = run.first > 0 && currency_sign(s.word(run.first - 1));
        if let Some((amount, last)) = mixed_sum(s, run, signed) {
            s.push(Value::Money { amount }, if signed { run.first - 1 } else { run.first }, last);
            continue;
        }
        if signed {
            let (amount, last) = scaled(s, run);
            if let Some(amount) = amount {
                s.push(Value::Money { amount }, run.first - 1, last);
            }
            continue;
        }
        if let Some(last) = per_period(s, run.last + 1) {
            // "forty-nine ninety-nine a month": a price even without "dollars".
            let yearly = s.word(last + 1) == "year" || s.word(last) == "year";
            if let Some(amount) = price_of(run, yearly).filter(|_| run.chunks.len() == 2 || s.word(run.first.wrapping_sub(1)) == "for") {
                s.push(Value::Money { amount: round_cents(amount) }, run.first, last);
                continue;
            }
        }
        let Some(factor) = currency_word(s.word(run.last + 1)) else { continue };
        let Some(units) = amount_of(run) else { continue };
        let mut amount = units * factor;
        let mut last = run.last + 1;
        if factor == 1.0 {
            if let Some((cents, cents_last)) = cents_after(s, last + 1) {
                amount += cents;
                last = cents_last;
            }
        }
        s.push(Value::Money { amount: round_cents(amount) }, run.first, last);
    }
}

/// A recogniser's mix of digits and words for one amount: a round hundred or thousand in
/// digits, "and", then the rest under a hundred as money ("4100 and $80" = 4180, "400 and 12
/// dollars and 60 cents" = 412.60). Returns the amount and its last token.
fn mixed_sum(s: &Scanner, run: &NumberRun, signed: bool) -> Option<(f64, usize)> {
    let [head] = run.chunks.as_slice() else { return None };
    if !head.written || head.decimal || head.value < 100.0 || head.value % 100.0 != 0.0 || s.word(run.last + 1) != "and" {
        return None;
    }
    let mut i = run.last + 2;
    let tail_signed = currency_sign(s.word(i));
    if tail_signed {
        i += 1;
    }
    let tail = s.run_at(i)?;
    let [rest] = tail.chunks.as_slice() else { return None };
    if rest.decimal || rest.ordinal || rest.value >= 100.0 || !s.free(tail.first, tail.last) {
        return None;
    }
    let mut amount = head.value + rest.value;
    let mut last = tail.last;
    let factor = currency_word(s.word(last + 1));
    if factor == Some(1.0) {
        last += 1;
        if let Some((cents, cents_last)) = cents_after(s, last + 1) {
            amount += cents;
            last = cents_last;
        }
    } else if !(tail_signed || signed) {
        return None;
    }
    Some((round_cents(amount), last))
}

/// The amount a run says: one cardinal, or a price said in two pairs ("nineteen ninety-nine",
/// "twelve fifty") read as units and cents.
fn amount_of(run: &NumberRun) -> Option<f64> {
    match run.chunks.as_slice() {
        [only] => Some(only.value),
        [units, cents] if units.value < 100.0 && cents.digits.len() == 2 && !cents.written => Some(units.value + cents.value / 100.0),
        _ => None,
    }
}

/// A price said before "a month"/"a year" in two pairs: units and cents ("forty-nine
/// ninety-nine a month"), except where the first pair is one digit ("one twenty-six a month"
/// is 126) or the price is yearly ("eighteen ninety a year" is 1,890): then hundreds.
fn price_of(run: &NumberRun, yearly: bool) -> Option<f64> {
    match run.chunks.as_slice() {
        [units, cents] if cents.digits.len() == 2 && !cents.written && !units.written && (units.value < 10.0 || (yearly && units.value < 100.0)) => {
            Some(units.value * 100.0 + cents.value)
        }
        _ => amount_of(run),
    }
}

/// "a month", "per year", "monthly" right after a number: the last token of the phrase.
fn per_period(s: &Scanner, i: usize) -> Option<usize> {
    match (s.word(i), s.word(i + 1)) {
        ("a" | "per" | "each" | "every", "month" | "year" | "week") => Some(i),
        ("monthly", _) => Some(i),
        _ => None,
    }
}

/// After `$`: the written or spoken amount, times a following "million"/"thousand"/"k".
fn scaled(s: &Scanner, run: &NumberRun) -> (Option<f64>, usize) {
    let Some(value) = run.value().or_else(|| run.digits().parse().ok()) else { return (None, run.last) };
    let scale = match s.word(run.last + 1) {
        "thousand" | "k" => 1_000.0,
        "million" | "m" => 1_000_000.0,
        "billion" | "bn" => 1_000_000_000.0,
        _ => return (Some(round_cents(value)), run.last),
    };
    (Some(round_cents(value * scale)), run.last + 1)
}

/// "and sixty cents" / "sixty cents" right after a dollar amount.
fn cents_after(s: &Scanner, i: usize) -> Option<(f64, usize)> {
    let start = if s.word(i) == "and" { i + 1 } else { i };
    let run = s.run_at(start)?;
    let value = run.value()?;
    if value >= 100.0 || currency_word(s.word(run.last + 1)) != Some(0.01) {
        return None;
    }
    Some((value / 100.0, run.last + 1))
}

fn round_cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
