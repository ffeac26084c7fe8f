//! Street addresses: "twenty-two Maple Court, Springfield, Oregon, nine seven four seven
//! seven", "fourteen Carver Street, apartment three B", "819 Juniper Lane, in Riverton".
//! A house number, capitalised street words and a street suffix make the core; a unit, city,
//! state and ZIP code may follow.

use super::mention::Value;
use super::scan::Scan;
use super::token::TokenKind;

/// One address found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Byte span in the text.
    pub start: usize,
    /// End of the byte span (exclusive).
    pub end: usize,
    /// Written form: "22 Maple Court, Springfield, OR 97477".
    pub written: String,
}

const SUFFIXES: &[&str] = &[
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "court", "ct", "boulevard", "blvd", "way",
    "place", "pl", "circle", "cir", "terrace", "parkway", "pkwy", "highway", "hwy", "trail", "square", "crescent", "close",
    "row", "alley", "loop", "pike", "run", "path", "plaza", "grove", "heights", "walk", "point",
];

const UNITS: &[&str] = &["apartment", "apt", "unit", "suite", "flat", "room", "#", "number"];

const STATES: &[(&str, &str)] = &[
    ("alabama", "AL"), ("alaska", "AK"), ("arizona", "AZ"), ("arkansas", "AR"), ("california", "CA"), ("colorado", "CO"),
    ("connecticut", "CT"), ("delaware", "DE"), ("florida", "FL"), ("georgia", "GA"), ("hawaii", "HI"), ("idaho", "ID"),
    ("illinois", "IL"), ("indiana", "IN"), ("iowa", "IA"), ("kansas", "KS"), ("kentucky", "KY"), ("louisiana", "LA"),
    ("maine", "ME"), ("maryland", "MD"), ("massachusetts", "MA"), ("michigan", "MI"), ("minnesota", "MN"),
    ("mississippi", "MS"), ("missouri", "MO"), ("montana", "MT"), ("nebraska", "NE"), ("nevada", "NV"),
    ("new hampshire", "NH"), ("new jersey", "NJ"), ("new mexico", "NM"), ("new york", "NY"), ("north carolina", "NC"),
    ("north dakota", "ND"), ("ohio", "OH"), ("oklahoma", "OK"), ("oregon", "OR"), ("pennsylvania", "PA"),
    ("rhode island", "RI"), ("south carolina", "SC"), ("south dakota", "SD"), ("tennessee", "TN"), ("texas", "TX"),
    ("utah", "UT"), ("vermont", "VT"), ("virginia", "VA"), ("washington", "WA"), ("west virginia", "WV"),
    ("wisconsin", "WI"), ("wyoming", "WY"),
];

/// The two-letter code of a US state name (or the code itself).
pub fn state_code(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    STATES.iter().find(|(n, c)| *n == lower || c.eq_ignore_ascii_case(&lower)).map(|(_, c)| *c)
}

/// Find the street addresses in a scanned text.
pub fn addresses(text: &str, scan: &Scan) -> Vec<Address> {
    let mut out = Vec::new();
    for m in &scan.mentions {
        let Value::Number { digits, .. } = &m.value else { continue };
        if digits.is_empty() || digits.len() > 6 || out.iter().any(|a: &Address| a.end > m.start) {
            continue;
        }
        if let Some(a) = address_at(text, scan, m.last_token + 1, digits) {
            out.push(Address { start: m.start, ..a });
        }
    }
    out
}

fn is_name_word(scan: &Scan, i: usize) -> bool {
    scan.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word && t.capitalized && !UNITS.contains(&t.norm.as_str()))
}

fn address_at(text: &str, scan: &Scan, street_start: usize, house: &str) -> Option<Address> {
    let tokens = &scan.tokens;
    let word = |i: usize| tokens.get(i).map_or("", |t| t.norm.as_str());
    let mut i = street_start;
    let mut street: Vec<&str> = Vec::new();
    while street.len() < 4 && is_name_word(scan, i) {
        street.push(tokens[i].text(text));
        if SUFFIXES.contains(&word(i)) && street.len() >= 2 {
            break;
        }
        i += 1;
    }
    if street.len() < 2 || !SUFFIXES.contains(&word(street_start + street.len() - 1)) {
        return None;
    }
    let mut last = street_start + street.len() - 1;
    let abbreviated = word(last).len() <= 4 && !matches!(word(last), "way" | "row" | "loop" | "pike" | "run" | "path" | "walk");
    if abbreviated && word(last + 1) == "." && tokens.get(last + 1).is_some_and(|t| t.joined) {
        last += 1;
    }
    let mut written = format!("{house} {}", street.join(" "));
    let mut k = skip_comma(scan, last + 1);
    if UNITS.contains(&word(k)) {
        if let Some(m) = scan.mention_at_token(k + 1) {
            let mut unit = m.digits().unwrap_or_default();
            let mut end = m.last_token;
            if let Some(t) = tokens.get(end + 1).filter(|t| t.kind == TokenKind::Word && t.norm.len() == 1 && t.all_caps) {
                unit.push_str(&t.norm.to_uppercase());
                end += 1;
            }
            if !unit.is_empty() {
                written.push_str(&format!(", Apartment {unit}"));
                last = end;
                k = skip_comma(scan, last + 1);
            }
        }
    }
    let introduced = word(k) == "in" || tokens.get(k.wrapping_sub(1)).is_some_and(|t| t.is_punct(','));
    if word(k) == "in" {
        k += 1;
    }
    let city_start = k;
    let mut city: Vec<&str> = Vec::new();
    while introduced && city.len() < 3 && is_name_word(scan, k) && state_code(word(k)).is_none() {
        city.push(tokens[k].text(text));
        k += 1;
    }
    if !city.is_empty() && k > city_start {
        written.push_str(&format!(", {}", city.join(" ")));
        last = k - 1;
        k = skip_comma(scan, k);
    }
    let two_word_state = format!("{} {}", word(k), word(k + 1));
    let (state, state_len) = match (state_code(&two_word_state), state_code(word(k))) {
        (Some(c), _) if !city.is_empty() => (Some(c), 2),
        (_, Some(c)) if !city.is_empty() && (tokens.get(k).is_some_and(|t| t.capitalized)) => (Some(c), 1),
        _ => (None, 0),
    };
    if let Some(code) = state {
        written.push_str(&format!(", {code}"));
        last = k + state_len - 1;
        k = skip_comma(scan, k + state_len);
    }
    if state.is_some() {
        if let Some(m) = scan.mention_at_token(k).filter(|m| m.first_token == k) {
            if let Some(zip) = m.digits().filter(|d| d.len() == 5 || d.len() == 9) {
                written.push_str(&format!(" {zip}"));
                last = m.last_token;
            }
        }
    }
    Some(Address { start: 0, end: tokens.get(last)?.end, written })
}

fn skip_comma(scan: &Scan, i: usize) -> usize {
    if scan.tokens.get(i).is_some_and(|t| t.is_punct(',')) {
        i + 1
    } else {
        i
    }
}
