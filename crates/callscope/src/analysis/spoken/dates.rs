//! Dates: "December fifteenth", "the fifteenth of December", "March third, nineteen
//! eighty-seven", "December 15th, 2025", "12/15", "12/15/2025", "2025-12-15".
//! Weekday names and "tomorrow" stay unresolved: they need the call's date.

use super::mention::{SpokenDate, Value};
use super::numbers::NumberRun;
use super::scan::Scanner;
use super::token::TokenKind;
use super::words::{month_word, weekday_word};

pub(super) fn recognise(s: &mut Scanner) {
    written_dates(s);
    for i in 0..s.tokens.len() {
        if let Some(month) = month_word(s.word(i)) {
            month_first(s, i, month, false);
        } else if let Some(month) = misheard_month(s.word(i)) {
            month_first(s, i, month, true);
        }
    }
    let runs = s.runs.clone();
    for run in runs.iter().filter(|r| r.is_ordinal()) {
        day_of_month(s, run);
    }
    for i in 0..s.tokens.len() {
        if weekday_word(s.word(i)).is_some() {
            weekday_and_day(s, i);
        }
    }
}

/// "Sunday the thirteenth" after "Thursday, April tenth" in the same breath: the day of the
/// month last named (the next month when the day is earlier than that date's).
fn weekday_and_day(s: &mut Scanner, weekday: usize) {
    let day_at = s.skip(weekday + 1, &[",", "the"]);
    let Some(run) = s.run_at(day_at).cloned() else { return };
    let [chunk] = run.chunks.as_slice() else { return };
    if day_at == weekday + 1 || !chunk.ordinal || chunk.value.fract() != 0.0 {
        return;
    }
    let Some(before) = s.date_before(weekday) else { return };
    let day = chunk.value as u32;
    let (month, year) = if day >= before.day { (before.month, before.year) } else if before.month == 12 { (1, before.year.map(|y| y + 1)) } else { (before.month + 1, before.year) };
    if valid(month, day) {
        s.push(Value::Date { date: SpokenDate { year, month, day } }, weekday, run.last);
    }
}

/// Whether `month`/`day` can be a calendar day (29 February allowed).
fn valid(month: u32, day: u32) -> bool {
    let days = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=days).contains(&day)
}

/// A year said as one cardinal ("two thousand twenty five"), as two pairs ("nineteen
/// eighty-seven") or digit by digit ("two zero two five"), or written ("2025").
pub(super) fn year_of(run: &NumberRun) -> Option<i32> {
    let digits = run.digits();
    if digits.len() != 4 || run.chunks.iter().any(|c| c.ordinal || c.decimal) {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    (1900..=2099).contains(&year).then_some(year)
}

/// A year said as its last two digits right after a date, ending the sentence ("October
/// second, sixty-eight."): the twentieth century, as in a date of birth.
fn short_year(s: &Scanner, run: &NumberRun) -> Option<i32> {
    let [chunk] = run.chunks.as_slice() else { return None };
    let ends = run.last + 1 >= s.tokens.len() || matches!(s.word(run.last + 1), "." | "?" | "!");
    let value = chunk.value;
    (ends && !chunk.ordinal && !chunk.decimal && value.fract() == 0.0 && (30.0..=99.0).contains(&value)).then(|| 1900 + value as i32)
}

/// Units after a number that make it a quantity, not a day of the month.
const UNITS: &[&str] = &[
    "mg", "milligram", "milligrams", "mcg", "micrograms", "ml", "milliliters", "units", "dollars", "dollar", "percent",
    "minutes", "hours", "days", "weeks", "months", "years", "pills", "tablets", "times", "people", "customers",
];

/// Full month names, for misheard ones.
const MONTHS: [&str; 12] =
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/// A month name the recogniser got one letter wrong ("Mach third, 1987"): four letters or
/// more, one edit from a month name. Only trusted when a day and a year follow.
fn misheard_month(word: &str) -> Option<u32> {
    if word.len() < 4 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let close = |name: &str| super::words::edit_distance(word, name) == 1;
    MONTHS.iter().position(|m| m.len() > 3 && close(m)).map(|i| i as u32 + 1)
}

/// "December fifteenth[, 2025]", "Dec. 15", "February the fourteenth"; with `need_year`, only
/// a full date ("Mach third, 1987" for a misheard month).
fn month_first(s: &mut Scanner, month_token: usize, month: u32, need_year: bool) {
    let day_start = s.skip(month_token + 1, &[".", "the"]);
    let Some(run) = s.run_at(day_start).cloned() else { return };
    let Some(first) = run.chunks.first() else { return };
    let day = first.value as u32;
    if first.decimal || !valid(month, day) || first.value.fract() != 0.0 {
        return;
    }
    // "April 10 milligrams" (a misheard drug name before a dose) is not a date.
    if run.chunks.len() == 1 && UNITS.contains(&s.word(run.last + 1)) {
        return;
    }
    if run.chunks.len() == 1 {
        let mut date = SpokenDate { year: None, month, day };
        let mut last = run.last;
        let year_start = s.skip(run.last + 1, &[","]);
        if let Some(year_run) = s.run_at(year_start) {
            if let Some(year) = year_of(year_run).or_else(|| short_year(s, year_run).filter(|_| year_start > run.last + 1)) {
                date.year = Some(year);
                last = year_run.last;
            }
        }
        if date.year.is_some() || !need_year {
            s.push(Value::Date { date }, month_token, last);
        }
        return;
    }
    // Written "March 3 1987" arrives as one digit run: the first chunk is the day, the rest a year.
    let rest = NumberRun { chunks: run.chunks[1..].to_vec(), groups: vec![run.chunks[1..].iter().map(|c| c.digits.as_str()).collect()], first: run.chunks[1].first, last: run.last };
    if let Some(year) = year_of(&rest) {
        s.push(Value::Date { date: SpokenDate { year: Some(year), month, day } }, month_token, run.last);
    }
}

/// "the fifteenth of December[, 2025]", "15th of Dec".
fn day_of_month(s: &mut Scanner, run: &NumberRun) {
    if !s.free(run.first, run.last) || s.word(run.last + 1) != "of" {
        return;
    }
    let month_token = run.last + 2;
    let Some(month) = month_word(s.word(month_token)) else { return };
    let day = run.value().unwrap_or(0.0) as u32;
    if !valid(month, day) {
        return;
    }
    let first = if s.word(run.first.wrapping_sub(1)) == "the" { run.first - 1 } else { run.first };
    let mut date = SpokenDate { year: None, month, day };
    let mut last = month_token;
    let year_start = s.skip(month_token + 1, &[","]);
    if let Some(year_run) = s.run_at(year_start) {
        if let Some(year) = year_of(year_run).or_else(|| short_year(s, year_run).filter(|_| year_start > month_token + 1)) {
            date.year = Some(year);
            last = year_run.last;
        }
    }
    s.push(Value::Date { date }, first, last);
}

/// "12/15", "12/15/2025", "15/12/25" (day first when the first part cannot be a month),
/// "2025-12-15".
fn written_dates(s: &mut Scanner) {
    let n = s.tokens.len();
    let num = |s: &Scanner, i: usize| -> Option<u32> {
        let t = s.tokens.get(i)?;
        (t.kind == TokenKind::Number && !t.norm.contains(['.', ','])).then(|| t.norm.parse().ok()).flatten()
    };
    let glued = |s: &Scanner, i: usize, c: char| s.tokens.get(i).is_some_and(|t| t.is_punct(c) && t.joined) && s.tokens.get(i + 1).is_some_and(|t| t.joined);
    for i in 0..n {
        let Some(a) = num(s, i) else { continue };
        if s.tokens[i].norm.len() == 4 && glued(s, i + 1, '-') && glued(s, i + 3, '-') {
            if let (Some(m), Some(d)) = (num(s, i + 2), num(s, i + 4)) {
                if valid(m, d) && (1900..=2099).contains(&a) {
                    let date = SpokenDate { year: Some(a as i32), month: m, day: d };
                    s.push(Value::Date { date }, i, i + 4);
                }
            }
            continue;
        }
        if !glued(s, i + 1, '/') {
            continue;
        }
        let Some(b) = num(s, i + 2) else { continue };
        let (month, day) = if a > 12 && b <= 12 { (b, a) } else { (a, b) };
        if !valid(month, day) {
            continue;
        }
        let mut date = SpokenDate { year: None, month, day };
        let mut last = i + 2;
        if glued(s, i + 3, '/') {
            if let Some(y) = num(s, i + 4) {
                let year = if y < 100 { 2000 + y } else { y };
                if (1900..=2099).contains(&year) {
                    date.year = Some(year as i32);
                    last = i + 4;
                }
            }
        }
        s.push(Value::Date { date }, i, last);
    }
}
