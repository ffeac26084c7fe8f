//! Spoken-form normalisation shared by extraction and redaction: numbers, digit strings,
//! identifiers, dates, times, money, e-mails and phone numbers, said aloud ("four five three
//! two", "December fifteenth") or written by a recogniser ("4532", "December 15th", "$412.60").
//!
//! `scan` finds every value in a text with its byte span; the `parse_*` helpers return the
//! first value of one kind in a short text.

mod address;
mod correction;
mod dates;
mod email;
mod groups;
mod ident;
mod mention;
mod money;
mod numbers;
mod scan;
mod times;
mod token;
mod words;

pub use address::{addresses, state_code, Address};
pub use correction::{apply as apply_corrections, corrections, Correction};
pub use mention::{format_money, format_number, ordinal_suffix, Clock, Mention, SpokenDate, Value};
pub use numbers::{number_runs, Chunk, NumberRun};
pub use scan::{scan, Scan};
pub use token::{tokenize, Token, TokenKind};
pub use words::{edit_distance, month_name, month_word, number_word, weekday_word, NumberWord};

/// The first number in `text`: a cardinal's value, or a digit string read as a number.
pub fn parse_number(text: &str) -> Option<f64> {
    scan(text).mentions.iter().find_map(|m| match &m.value {
        Value::Number { value: Some(v), .. } => Some(*v),
        Value::Number { digits, .. } => digits.parse().ok(),
        Value::Ordinal { value } => Some(f64::from(*value)),
        Value::Money { amount } => Some(*amount),
        Value::Percent { value } => Some(*value),
        _ => None,
    })
}

/// The digits said in `text`, groups joined and self-corrections applied
/// ("six two zero, five five one" → "620551", "… two six, sorry, two nine" → "…29").
pub fn parse_digits(text: &str) -> Option<String> {
    let scanned = scan(text);
    let fixes = corrections(&scanned);
    let first = scanned
        .mentions
        .iter()
        .filter_map(|m| match &m.value {
            Value::Number { digits, .. } => Some(digits.clone()),
            _ => None,
        })
        .max_by_key(String::len)?;
    Some(apply_corrections(&first, &fixes))
}

/// The first identifier (letters and digits, or a long digit string) with corrections applied.
pub fn parse_identifier(text: &str) -> Option<String> {
    let scanned = scan(text);
    let fixes = corrections(&scanned);
    let id = scanned.mentions.iter().find_map(|m| match &m.value {
        Value::Identifier { id } => Some(id.clone()),
        Value::Number { digits, digit_sequence: true, .. } => Some(digits.clone()),
        _ => None,
    })?;
    Some(apply_corrections(&id, &fixes))
}

/// The first amount of money in `text`.
pub fn parse_money(text: &str) -> Option<f64> {
    scan(text).mentions.iter().find_map(|m| match m.value {
        Value::Money { amount } => Some(amount),
        _ => None,
    })
}

/// The first date in `text` as ISO `YYYY-MM-DD`; `default_year` fills a year left unsaid.
pub fn parse_date(text: &str, default_year: i32) -> Option<String> {
    scan(text).mentions.iter().find_map(|m| match m.value {
        Value::Date { date } => Some(date.iso(default_year)),
        _ => None,
    })
}

/// The first clock time in `text` as `HH:MM` (24-hour); a range gives its start.
pub fn parse_time(text: &str) -> Option<String> {
    scan(text).mentions.iter().find_map(|m| match m.value {
        Value::Time { clock } | Value::TimeRange { from: clock, .. } => Some(clock.hhmm()),
        _ => None,
    })
}

/// The first e-mail address in `text`, lowercase.
pub fn parse_email(text: &str) -> Option<String> {
    scan(text).mentions.iter().find_map(|m| match &m.value {
        Value::Email { address } => Some(address.clone()),
        _ => None,
    })
}

/// The first phone number in `text`, formatted `NNN-NNN-NNNN` (or `1-NNN-NNN-NNNN`).
pub fn parse_phone(text: &str) -> Option<String> {
    scan(text).mentions.iter().find_map(|m| match &m.value {
        Value::Number { digits, .. } => format_phone(digits),
        _ => None,
    })
}

/// Format a North American number: 10 digits, or 11 starting with 1; other lengths of 7–15
/// digits (international) are returned as plain digits.
pub fn format_phone(digits: &str) -> Option<String> {
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        10 => Some(format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..])),
        11 if digits.starts_with('1') => Some(format!("1-{}-{}-{}", &digits[1..4], &digits[4..7], &digits[7..])),
        12..=15 => Some(digits.to_string()),
        _ => None,
    }
}

/// `text` with every value written the way a transcript shows it ("twenty-two Maple Court" →
/// "22 Maple Court", "December twelfth" → "2025-12-12" with `default_year` 2025).
pub fn written(text: &str, default_year: i32) -> String {
    let scanned = scan(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for m in &scanned.mentions {
        if m.start < pos {
            continue;
        }
        out.push_str(&text[pos..m.start]);
        let said = &text[m.start..m.end];
        // Small numbers said as one word ("one", "two") read better as words.
        let small_word = matches!(m.value, Value::Number { value: Some(v), digit_sequence: false, .. } if v < 10.0)
            && !said.chars().any(|c| c.is_ascii_digit())
            && !said.contains(' ');
        if small_word {
            out.push_str(said);
        } else {
            out.push_str(&m.written(default_year));
        }
        pos = m.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// The current UTC year from the system clock (1970 if the clock is before the epoch); the
/// year given to dates said without one when nothing better is known.
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400 + i64::from(mp >= 10);
    year as i32
}
