//! Values found in a text, with where they were said.

use serde::{Deserialize, Serialize};

/// A calendar date as said; the year is absent when the speaker left it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpokenDate {
    /// The year when said.
    pub year: Option<i32>,
    /// 1…12.
    pub month: u32,
    /// 1…31.
    pub day: u32,
}

impl SpokenDate {
    /// ISO `YYYY-MM-DD`, using `default_year` when the speaker gave none.
    pub fn iso(&self, default_year: i32) -> String {
        format!("{:04}-{:02}-{:02}", self.year.unwrap_or(default_year), self.month, self.day)
    }
}

/// A clock time. `meridiem_known` is false when neither am/pm nor a part of the day was said,
/// and the hour is then read with the business-hours rule (see `Clock::hhmm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// 0…23 when am/pm is known, else 1…12 as said.
    pub hour: u32,
    /// 0…59.
    pub minute: u32,
    /// Whether am/pm or a part of the day was said.
    pub meridiem_known: bool,
}

impl Clock {
    /// `HH:MM`, 24-hour. An hour said without am/pm is read as business hours: 7–11 in the
    /// morning, 12 at noon, 1–6 in the afternoon.
    pub fn hhmm(&self) -> String {
        let hour = if !self.meridiem_known && (1..=6).contains(&self.hour) { self.hour + 12 } else { self.hour };
        format!("{:02}:{:02}", hour % 24, self.minute)
    }
}

/// What kind of value a mention holds, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// A number.
    Number {
        /// The value when it reads as one cardinal ("four hundred and twelve").
        value: Option<f64>,
        /// The digits as said, always (for ids and phone numbers).
        digits: String,
        /// Read digit by digit ("six two zero").
        digit_sequence: bool,
    },
    /// "the fifteenth", "1st".
    Ordinal {
        /// 1 for "first".
        value: u32,
    },
    /// An amount of currency units.
    Money {
        /// 412.6 for "$412.60".
        amount: f64,
    },
    /// A percentage.
    Percent {
        /// 15 for "15 %".
        value: f64,
    },
    /// A calendar date.
    Date {
        /// The date as said.
        date: SpokenDate,
    },
    /// A clock time.
    Time {
        /// The time as said.
        clock: Clock,
    },
    /// "between eight in the morning and noon".
    TimeRange {
        /// Start of the window.
        from: Clock,
        /// End of the window.
        to: Clock,
    },
    /// Letters and digits: `PMT50381`.
    Identifier {
        /// Uppercase letters and digits.
        id: String,
    },
    /// An e-mail address.
    Email {
        /// Lowercase.
        address: String,
    },
}

/// One value in a text with its byte span and token span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The normalised value.
    pub value: Value,
    /// Byte offset of the start in the scanned text.
    pub start: usize,
    /// Byte offset of the end (exclusive).
    pub end: usize,
    /// Index of the first token in the scan's token list.
    pub first_token: usize,
    /// Index of the last token (inclusive).
    pub last_token: usize,
}

impl Mention {
    /// The digits a number, identifier or phone-like value carries, if any.
    pub fn digits(&self) -> Option<String> {
        match &self.value {
            Value::Number { digits, .. } => Some(digits.clone()),
            Value::Identifier { id } => Some(id.clone()),
            _ => None,
        }
    }

    /// The mention written the way a transcript would show it: `412.6` money as `$412.60`,
    /// digit strings as digits, dates as ISO (with `default_year`), times as `HH:MM`.
    pub fn written(&self, default_year: i32) -> String {
        match &self.value {
            Value::Number { value: Some(v), digit_sequence: false, .. } => format_number(*v),
            Value::Number { digits, .. } => digits.clone(),
            Value::Ordinal { value } => ordinal_suffix(*value),
            Value::Money { amount } => format!("${}", format_money(*amount)),
            Value::Percent { value } => format!("{}%", format_number(*value)),
            Value::Date { date } => date.iso(default_year),
            Value::Time { clock } => clock.hhmm(),
            Value::TimeRange { from, to } => format!("{}-{}", from.hhmm(), to.hhmm()),
            Value::Identifier { id } => id.clone(),
            Value::Email { address } => address.clone(),
        }
    }
}

/// A number without a trailing `.0`: `412.6`, `30`.
pub fn format_number(v: f64) -> String {
    if v.fract().abs() < 1e-9 && v.abs() < 1e15 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Money with cents when there are any: `412.60`, `3680`.
pub fn format_money(v: f64) -> String {
    if (v * 100.0).round() % 100.0 == 0.0 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}")
    }
}

/// `1` → `1st`, `22` → `22nd`, `13` → `13th`.
pub fn ordinal_suffix(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
