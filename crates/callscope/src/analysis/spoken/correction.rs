//! Self-corrections in spoken digits: "it ends in two nine, not two six", "the third group is
//! zero zero six four, not zero zero four six", "four five seven, I mean four five six".
//! Applied in order, so the last correction wins.

use super::mention::{Mention, Value};
use super::scan::Scan;

/// One correction: `wrong` digits were said, `right` digits are meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The digits meant.
    pub right: String,
    /// The digits said by mistake.
    pub wrong: String,
    /// Byte offset where the correction was said.
    pub at: usize,
}

const REPAIR_CUES: &[&[&str]] = &[&["i", "mean"], &["i", "meant"], &["sorry"], &["or", "rather"], &["correction"]];

fn digits_of(m: &Mention) -> Option<String> {
    match &m.value {
        Value::Number { digits, .. } => Some(digits.clone()),
        Value::Identifier { id } => Some(id.clone()),
        _ => None,
    }
}

/// Find the corrections in a scanned text.
pub fn corrections(scan: &Scan) -> Vec<Correction> {
    let words: Vec<&str> = scan.tokens.iter().map(|t| t.norm.as_str()).collect();
    let mut out = Vec::new();
    let values: Vec<(&Mention, String)> = scan.mentions.iter().filter_map(|m| digits_of(m).map(|d| (m, d))).collect();
    for pair in values.windows(2) {
        let [(a, a_digits), (b, b_digits)] = pair else { continue };
        let between: Vec<&str> = words[a.last_token + 1..b.first_token].iter().copied().filter(|w| *w != ",").collect();
        let negated_first = a.first_token > 0 && words[a.first_token - 1] == "not";
        match between.as_slice() {
            ["not"] | ["and", "not"] | ["but", "not"] | ["instead", "of"] | ["rather", "than"] => {
                out.push(Correction { right: a_digits.clone(), wrong: b_digits.clone(), at: a.start });
            }
            ["but"] | ["it's"] | ["it", "is"] | ["but", "it's"] if negated_first => {
                out.push(Correction { right: b_digits.clone(), wrong: a_digits.clone(), at: b.start });
            }
            cue if REPAIR_CUES.contains(&cue) => {
                out.push(Correction { right: b_digits.clone(), wrong: a_digits.clone(), at: b.start });
            }
            _ => {}
        }
    }
    out
}

/// Apply `corrections` to `value` in order: a wrong part is replaced where it occurs last;
/// a correction as long as the whole value replaces it.
pub fn apply(value: &str, corrections: &[Correction]) -> String {
    let mut v = value.to_string();
    for c in corrections {
        if c.wrong.is_empty() {
            continue;
        }
        if let Some(pos) = v.rfind(&c.wrong) {
            v.replace_range(pos..pos + c.wrong.len(), &c.right);
        } else if c.right.len() == v.len() {
            v = c.right.clone();
        }
    }
    v
}
