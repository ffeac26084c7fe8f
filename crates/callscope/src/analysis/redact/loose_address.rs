//! Street addresses a recogniser garbled ("14 carvers treat? Apartment 3B?"), found for
//! redaction only: the spoken shape of an address, not its written form, is trusted.

use crate::analysis::spoken::{self, Scan, Value};

/// Street-type words that end a street name even when misheard around them.
const LOOSE_SUFFIXES: &[&str] = &[
    "street", "avenue", "road", "lane", "drive", "court", "boulevard", "parkway", "highway", "terrace", "trail", "circle", "st", "ave", "rd", "ln", "blvd",
];
const LOOSE_UNITS: &[&str] = &["apartment", "apt", "unit", "suite"];
/// Words that make "number + words" a quantity, not a house number and street.
const MEASURE_WORDS: &[&str] = &[
    "minutes", "minute", "hours", "hour", "days", "day", "weeks", "week", "months", "month", "years", "year", "times", "dollars",
    "dollar", "cents", "percent", "miles", "mile", "people", "customers", "calls", "seconds", "business", "of", "and", "or",
];

/// Addresses a recogniser garbled, for redaction only (no written form is trusted):
/// a house number, one to three words and a street-type word ("819 Dune per lane") or a unit
/// ("14 carvers treat, apartment free"), with the unit and a capitalised city after it; and a
/// city, state and ZIP tail ("apartment 12. Columbus, Ohio, 43215").
pub(super) fn loose_addresses(text: &str, scan: &Scan) -> Vec<(usize, usize, String)> {
    let tokens = &scan.tokens;
    let word = |i: usize| tokens.get(i).map_or("", |t| t.norm.as_str());
    let is_word = |i: usize| tokens.get(i).is_some_and(|t| t.kind == spoken::TokenKind::Word);
    let comma = |i: usize| if tokens.get(i).is_some_and(|t| t.is_punct(',')) { i + 1 } else { i };
    // "14 carvers treat? Apartment 3B?": a unit after any punctuation still belongs.
    let unit_after = |i: usize| {
        let punct = tokens.get(i).is_some_and(|t| t.is_punct(',') || t.is_punct('.') || t.is_punct('?'));
        if punct && LOOSE_UNITS.contains(&word(i + 1)) { i + 1 } else { comma(i) }
    };
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let span = |first: usize, last: usize| (tokens[first].start, tokens[last].end, text[tokens[first].start..tokens[last].end].to_string());
    for m in &scan.mentions {
        let Value::Number { digits, .. } = &m.value else { continue };
        if digits.is_empty() || digits.len() > 6 || out.iter().any(|a| a.1 > m.start) {
            continue;
        }
        let mut k = m.last_token + 1;
        let mut words = 0;
        while words < 3 && is_word(k) && !MEASURE_WORDS.contains(&word(k)) && !LOOSE_SUFFIXES.contains(&word(k)) && !LOOSE_UNITS.contains(&word(k)) {
            words += 1;
            k += 1;
        }
        if words == 0 {
            continue;
        }
        let mut last;
        if LOOSE_SUFFIXES.contains(&word(k)) {
            last = k;
            k = unit_after(k + 1);
            if LOOSE_UNITS.contains(&word(k)) && tokens.get(k + 1).is_some_and(|t| t.kind != spoken::TokenKind::Punct) {
                last = k + 1;
                k = comma(k + 2);
            }
        } else {
            let u = unit_after(k);
            if !LOOSE_UNITS.contains(&word(u)) || !tokens.get(u + 1).is_some_and(|t| t.kind != spoken::TokenKind::Punct) {
                continue;
            }
            last = u + 1;
            k = comma(u + 2);
        }
        // ", Riverton": a capitalised city right after.
        if tokens.get(k.wrapping_sub(1)).is_some_and(|t| t.is_punct(',')) {
            let mut c = k;
            while c < k + 2 && is_word(c) && tokens[c].capitalized {
                c += 1;
            }
            if c > k {
                last = c - 1;
            }
        }
        out.push(span(m.first_token, last));
    }
    // City, state and ZIP.
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != spoken::TokenKind::Word || !t.capitalized || t.norm.len() < 4 || spoken::state_code(&t.norm).is_none() {
            continue;
        }
        let z = comma(i + 1);
        let Some(zip) = scan.mention_at_token(z).filter(|m| m.digits().is_some_and(|d| d.len() == 5 || d.len() == 9)) else { continue };
        let mut first = i;
        if i >= 2 && tokens[i - 1].is_punct(',') && is_word(i - 2) && tokens[i - 2].capitalized {
            first = i - 2;
            if first >= 1 && is_word(first - 1) && tokens[first - 1].capitalized {
                first -= 1;
            }
        }
        // "apartment 12." just before the city.
        let mut b = first;
        while b >= 1 && tokens[b - 1].kind == spoken::TokenKind::Punct {
            b -= 1;
        }
        if b >= 2 && LOOSE_UNITS.contains(&word(b - 2)) && tokens[b - 1].kind == spoken::TokenKind::Number {
            first = b - 2;
        }
        let (start, end, written) = span(first, zip.last_token);
        if !out.iter().any(|a| a.0 < end && start < a.1) {
            out.push((start, end, written));
        }
    }
    out
}
