//! Clock times: "two thirty p.m.", "eight forty-five in the morning", "seven o'clock",
//! "quarter past nine", "noon", "3:30 PM", and ranges "between eight in the morning and noon".
//!
//! A bare number pair ("two fifteen") is a time only after a time cue ("at", "around", "since",
//! …) or before a part of the day; otherwise it stays a number.

use super::mention::{Clock, Value};
use super::scan::Scanner;
use super::token::TokenKind;

const CUES: &[&str] = &["at", "around", "about", "by", "since", "from", "until", "till", "til", "between", "before", "after", "is", "'s", "like", "approximately"];
const UNITS_AFTER: &[&str] = &["days", "day", "weeks", "week", "months", "month", "years", "year", "hours", "hour", "minutes", "minute", "dollars", "dollar", "percent", "business", "times", "people", "customers", "items", "pounds", "miles"];

pub(super) fn recognise(s: &mut Scanner) {
    written_times(s);
    dotted_times(s);
    named_times(s);
    let runs = s.runs.clone();
    for run in &runs {
        if !s.free(run.first, run.last) || run.chunks.iter().any(|c| c.decimal || c.ordinal) {
            continue;
        }
        let values: Vec<f64> = run.chunks.iter().map(|c| c.value).collect();
        let (hour, minute) = match values.as_slice() {
            [h] => (*h, 0.0),
            [h, m] if *m >= 10.0 && run.chunks[1].digits.len() == 2 => (*h, *m),
            [h, z, m] if *z == 0.0 && *m < 10.0 => (*h, *m),
            _ => continue,
        };
        if !(1.0..=12.0).contains(&hour) || minute > 59.0 {
            continue;
        }
        let (meridiem, last) = meridiem_after(s, run.last + 1);
        let oclock = s.word(run.last + 1) == "o'clock";
        let cued = CUES.contains(&s.word(run.first.wrapping_sub(1)));
        let pair = values.len() > 1;
        if !(meridiem.is_some() || oclock || (pair && cued && !UNITS_AFTER.contains(&s.word(run.last + 1)))) {
            continue;
        }
        let last = if oclock { meridiem_after(s, run.last + 2).1.max(run.last + 1) } else { last };
        let pm = if oclock { meridiem_after(s, run.last + 2).0.or(meridiem) } else { meridiem };
        let clock = make_clock(hour as u32, minute as u32, pm);
        s.push(Value::Time { clock }, run.first, last.max(run.last));
    }
    ranges(s);
}

fn make_clock(hour: u32, minute: u32, pm: Option<bool>) -> Clock {
    match pm {
        Some(true) if hour < 12 => Clock { hour: hour + 12, minute, meridiem_known: true },
        Some(false) if hour == 12 => Clock { hour: 0, minute, meridiem_known: true },
        Some(_) => Clock { hour, minute, meridiem_known: true },
        None => Clock { hour, minute, meridiem_known: false },
    }
}

/// am/pm or a part of the day right after token `i`: (is_pm, last token used).
fn meridiem_after(s: &Scanner, i: usize) -> (Option<bool>, usize) {
    let w = s.word(i);
    match w {
        "am" => return (Some(false), i),
        "pm" => return (Some(true), i),
        "tonight" => return (Some(true), i),
        _ => {}
    }
    let part = |w: &str| match w {
        "morning" => Some(false),
        "afternoon" | "evening" | "night" => Some(true),
        _ => None,
    };
    if matches!(w, "in" | "this" | "tomorrow" | "at" | "that" | "each" | "every") {
        let next = if matches!(w, "in" | "at") && s.word(i + 1) == "the" { i + 2 } else { i + 1 };
        if let Some(pm) = part(s.word(next)) {
            return (Some(pm), next);
        }
    }
    (None, i.saturating_sub(1))
}

/// "3:30", "14:05", "3:30 PM".
fn written_times(s: &mut Scanner) {
    for i in 0..s.tokens.len() {
        let is_num = |k: usize| s.tokens.get(k).is_some_and(|t| t.kind == TokenKind::Number && !t.norm.contains(['.', ',']));
        let colon = s.tokens.get(i + 1).is_some_and(|t| t.is_punct(':') && t.joined);
        if !(is_num(i) && colon && is_num(i + 2) && s.tokens[i + 2].joined && s.tokens[i + 2].norm.len() == 2) {
            continue;
        }
        let (Ok(hour), Ok(minute)) = (s.tokens[i].norm.parse::<u32>(), s.tokens[i + 2].norm.parse::<u32>()) else { continue };
        if hour > 23 || minute > 59 {
            continue;
        }
        let (pm, last) = meridiem_after(s, i + 3);
        let clock = if hour > 12 { Clock { hour, minute, meridiem_known: true } } else { make_clock(hour, minute, pm) };
        s.push(Value::Time { clock }, i, last.max(i + 2));
    }
}

/// "6.15 this morning", "at 3.30": Whisper writes times with a dot after a British voice.
/// Only after a time cue or before a part of the day, never after "$" or before a unit.
fn dotted_times(s: &mut Scanner) {
    for i in 0..s.tokens.len() {
        let t = &s.tokens[i];
        if t.kind != TokenKind::Number || !s.free(i, i) {
            continue;
        }
        let Some((h, m)) = t.norm.split_once('.') else { continue };
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            continue;
        }
        let (Ok(hour), Ok(minute)) = (h.parse::<u32>(), m.parse::<u32>()) else { continue };
        if !(1..=12).contains(&hour) || minute > 59 {
            continue;
        }
        let money = i > 0 && s.tokens[i - 1].norm == "$";
        let (pm, last) = meridiem_after(s, i + 1);
        let cued = CUES.contains(&s.word(i.wrapping_sub(1)));
        if money || UNITS_AFTER.contains(&s.word(i + 1)) || s.word(i + 1) == "cents" || !(cued || pm.is_some()) {
            continue;
        }
        s.push(Value::Time { clock: make_clock(hour, minute, pm) }, i, last.max(i));
    }
}

/// "noon", "midnight", "quarter past nine", "half past two", "quarter to ten", "ten past six".
fn named_times(s: &mut Scanner) {
    for i in 0..s.tokens.len() {
        match s.word(i) {
            "noon" | "midday" => s.push(Value::Time { clock: Clock { hour: 12, minute: 0, meridiem_known: true } }, i, i),
            "midnight" => s.push(Value::Time { clock: Clock { hour: 0, minute: 0, meridiem_known: true } }, i, i),
            "quarter" | "half" => {
                let minutes = if s.word(i) == "half" { 30 } else { 15 };
                relative(s, i, i, minutes);
            }
            _ => {
                if let Some(run) = s.run_at(i).cloned() {
                    if matches!(s.word(run.last + 1), "past" | "to" | "after" | "of") && run.value().is_some_and(|v| (1.0..=30.0).contains(&v)) {
                        let minutes = run.value().unwrap_or(0.0) as u32;
                        let after_minutes = if s.word(run.last + 1) == "minutes" { run.last + 1 } else { run.last };
                        if matches!(s.word(after_minutes + 1), "past" | "after") && CUES.contains(&s.word(i.wrapping_sub(1))) {
                            relative(s, i, after_minutes, minutes);
                        }
                    }
                }
            }
        }
    }
}

/// `<minutes> past|to <hour>` starting at token `first`, the minutes word ending at `last`.
fn relative(s: &mut Scanner, first: usize, last: usize, minutes: u32) {
    let direction = s.word(last + 1).to_string();
    if !matches!(direction.as_str(), "past" | "after" | "to" | "of") {
        return;
    }
    let Some(hour_run) = s.run_at(last + 2).cloned() else { return };
    let Some(hour) = hour_run.value().filter(|h| (1.0..=12.0).contains(h)) else { return };
    let hour = hour as u32;
    let (h, m) = if matches!(direction.as_str(), "past" | "after") { (hour, minutes) } else { ((hour + 10) % 12 + 1, 60 - minutes) };
    let (pm, end) = meridiem_after(s, hour_run.last + 1);
    s.push(Value::Time { clock: make_clock(h, m, pm) }, first, end.max(hour_run.last));
}

/// "between eight in the morning and noon", "from 9 to 5", "8am-12pm": pairs of times (or bare
/// hours after `between`/`from`) joined by and/to/until/-.
fn ranges(s: &mut Scanner) {
    for i in 0..s.tokens.len() {
        let opener = matches!(s.word(i), "between" | "from");
        let start = if opener { i + 1 } else { i };
        let Some((a_index, a_clock, a_last)) = endpoint(s, start, opener) else { continue };
        if !matches!(s.word(a_last + 1), "and" | "to" | "until" | "till" | "through" | "-") {
            continue;
        }
        let Some((b_index, b_clock, b_last)) = endpoint(s, a_last + 2, opener) else { continue };
        if UNITS_AFTER.contains(&s.word(b_last + 1)) || (a_index.is_none() && b_index.is_none()) && !opener {
            continue;
        }
        let remove: Vec<usize> = [a_index, b_index].into_iter().flatten().collect();
        s.merge(remove, Value::TimeRange { from: a_clock, to: b_clock }, start, b_last);
    }
}

/// A time at token `i`: an existing time mention, or (when `bare_ok`) a bare hour 1–12.
/// Returns (mention index if any, clock, last token).
fn endpoint(s: &Scanner, i: usize, bare_ok: bool) -> Option<(Option<usize>, Clock, usize)> {
    if let Some((index, m)) = s.mention_starting_at(i) {
        if let Value::Time { clock } = m.value {
            return Some((Some(index), clock, m.last_token));
        }
        return None;
    }
    if !bare_ok {
        return None;
    }
    let run = s.run_at(i)?;
    let hour = run.value().filter(|h| (1.0..=12.0).contains(h) && h.fract() == 0.0)?;
    Some((None, Clock { hour: hour as u32, minute: 0, meridiem_known: false }, run.last))
}
