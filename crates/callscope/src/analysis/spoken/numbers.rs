//! Reads numbers the way people say and Whisper writes them: cardinals ("four hundred and
//! twelve"), digit strings in groups ("six two zero, five five one"), years said in pairs
//! ("nineteen eighty-seven", "twenty twenty-five") and written digits ("620-551-884").
//!
//! A run is cut into *chunks*, each the longest valid cardinal; concatenating the chunks'
//! digits gives the digit-string reading ("nineteen eighty-seven" → 19|87 → "1987",
//! "one eight hundred" → 1|800 → "1800"), a single chunk is a plain cardinal.

use super::groups::{join_written_hundreds, split_groups, Group};
use super::token::{Token, TokenKind};
use super::words::{number_word, NumberWord};

/// One cardinal or digit group: "six", "twenty-eight", "four hundred and twelve", "4532".
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The cardinal value.
    pub value: f64,
    /// Decimal digits as said: "0" for zero, "0064" for a written "0064".
    pub digits: String,
    /// First token index.
    pub first: usize,
    /// Last token index (inclusive).
    pub last: usize,
    /// Said as an ordinal ("twelfth", "15th").
    pub ordinal: bool,
    /// Has a fractional part (`412.60`, "one point five").
    pub decimal: bool,
    /// Came from written digits rather than words.
    pub written: bool,
}

/// A maximal run of chunks that belong together, possibly split by commas or dashes into
/// groups ("six two zero, five five one, eight eight four").
#[derive(Debug, Clone, PartialEq)]
pub struct NumberRun {
    /// The chunks in order.
    pub chunks: Vec<Chunk>,
    /// Digit string of each comma/dash separated group.
    pub groups: Vec<String>,
    /// First token index.
    pub first: usize,
    /// Last token index (inclusive).
    pub last: usize,
}

impl NumberRun {
    /// All digits in order, the way an identifier or phone number is read.
    pub fn digits(&self) -> String {
        self.groups.concat()
    }

    /// The cardinal value when the run is a single chunk.
    pub fn value(&self) -> Option<f64> {
        match self.chunks.as_slice() {
            [only] => Some(only.value),
            _ => None,
        }
    }

    /// Whether the run is read digit by digit (several chunks, or long written digits).
    pub fn is_digit_sequence(&self) -> bool {
        self.chunks.len() > 1
            || self.chunks.first().is_some_and(|c| c.written && !c.decimal && c.digits.len() >= 5)
    }

    /// Whether the run ends in an ordinal ("twelfth", "15th").
    pub fn is_ordinal(&self) -> bool {
        self.chunks.len() == 1 && self.chunks[0].ordinal
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    None,
    A,
    Digit,
    Teen,
    Tens,
    Hundred,
    Scale,
    And,
}

/// Parse one chunk starting at token `i`.
pub fn chunk_at(tokens: &[Token], i: usize) -> Option<Chunk> {
    let t = tokens.get(i)?;
    if t.kind == TokenKind::Number {
        return written_chunk(t, i);
    }
    if t.kind != TokenKind::Word {
        return None;
    }
    if matches!(t.norm.as_str(), "double" | "triple") {
        let next = tokens.get(i + 1)?;
        if let Some(NumberWord::Digit(d)) = number_word(&next.norm) {
            let n = if t.norm == "double" { 2 } else { 3 };
            let digits = d.to_string().repeat(n);
            let value = digits.parse().unwrap_or(0.0);
            return Some(Chunk { value, digits, first: i, last: i + 1, ordinal: false, decimal: false, written: false });
        }
        return None;
    }
    word_chunk(tokens, i)
}

fn written_chunk(t: &Token, i: usize) -> Option<Chunk> {
    let clean: String = t.norm.chars().filter(|c| *c != ',').collect();
    let decimal = clean.contains('.');
    let value: f64 = clean.parse().ok()?;
    let digits = if decimal { clean } else { clean.chars().filter(char::is_ascii_digit).collect() };
    Some(Chunk { value, digits, first: i, last: i, ordinal: t.ordinal, decimal, written: true })
}

fn word_chunk(tokens: &[Token], start: usize) -> Option<Chunk> {
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut last = Last::None;
    let mut end = start;
    let mut ordinal = false;
    let mut i = start;
    while let Some(t) = tokens.get(i) {
        if t.kind == TokenKind::Punct {
            let hyphen = t.is_punct('-')
                && last == Last::Tens
                && tokens.get(i + 1).is_some_and(|n| n.joined && unit_or_ordinal(&n.norm));
            if hyphen {
                i += 1;
                continue;
            }
            break;
        }
        if t.kind != TokenKind::Word {
            break;
        }
        if last == Last::None && matches!(t.norm.as_str(), "a" | "an") {
            if tokens.get(i + 1).is_some_and(|n| matches!(number_word(&n.norm), Some(NumberWord::Hundred | NumberWord::Scale(_)))) {
                last = Last::A;
                current = 1;
                i += 1;
                continue;
            }
            break;
        }
        if t.norm == "and" {
            let scaled = matches!(last, Last::Hundred | Last::Scale);
            let next_small = tokens.get(i + 1).is_some_and(|n| {
                matches!(number_word(&n.norm), Some(NumberWord::Digit(_) | NumberWord::Teen(_) | NumberWord::Tens(_) | NumberWord::Ordinal(_)))
            });
            if scaled && next_small {
                last = Last::And;
                i += 1;
                continue;
            }
            break;
        }
        let Some(word) = number_word(&t.norm) else { break };
        let after_scale = matches!(last, Last::Hundred | Last::Scale | Last::And);
        match word {
            NumberWord::Digit(d) if last == Last::None || after_scale || (last == Last::Tens && current.is_multiple_of(10)) => {
                current += u64::from(d);
                last = Last::Digit;
            }
            NumberWord::Teen(v) | NumberWord::Tens(v) if last == Last::None || after_scale => {
                if after_scale && !current.is_multiple_of(100) {
                    break;
                }
                current += u64::from(v);
                last = if matches!(word, NumberWord::Teen(_)) { Last::Teen } else { Last::Tens };
            }
            NumberWord::Hundred if (1..=99).contains(&current) && matches!(last, Last::Digit | Last::Teen | Last::Tens | Last::A) => {
                current *= 100;
                last = Last::Hundred;
            }
            NumberWord::Scale(s) if current > 0 && !matches!(last, Last::And | Last::Scale) => {
                total += current * s;
                current = 0;
                last = Last::Scale;
            }
            NumberWord::Ordinal(o) if last == Last::None || after_scale || (last == Last::Tens && current.is_multiple_of(10) && o < 10) => {
                current += u64::from(o);
                ordinal = true;
                last = Last::Digit;
                end = i;
                break;
            }
            _ => break,
        }
        end = i;
        i += 1;
    }
    if last == Last::None || last == Last::A && end == start {
        return None;
    }
    let value = total + current;
    let mut chunk = Chunk {
        value: value as f64,
        digits: value.to_string(),
        first: start,
        last: end,
        ordinal,
        decimal: false,
        written: false,
    };
    fractional_part(tokens, &mut chunk);
    Some(chunk)
}

fn unit_or_ordinal(norm: &str) -> bool {
    match number_word(norm) {
        Some(NumberWord::Digit(d)) => d > 0,
        Some(NumberWord::Ordinal(o)) => o < 10,
        _ => false,
    }
}

/// "one point five" → 1.5: digits after `point` become the fraction.
fn fractional_part(tokens: &[Token], chunk: &mut Chunk) {
    if chunk.ordinal || !tokens.get(chunk.last + 1).is_some_and(|t| t.is_word("point")) {
        return;
    }
    let mut fraction = String::new();
    let mut k = chunk.last + 2;
    while let Some(Some(NumberWord::Digit(d))) = tokens.get(k).map(|t| number_word(&t.norm)) {
        fraction.push(char::from_digit(d, 10).unwrap_or('0'));
        k += 1;
    }
    if fraction.is_empty() {
        return;
    }
    let text = format!("{}.{}", chunk.digits, fraction);
    if let Ok(v) = text.parse() {
        chunk.value = v;
        chunk.digits = text;
        chunk.decimal = true;
        chunk.last = k - 1;
    }
}

/// Whether `oh`/`o` at `i` stands for zero: right after a number, or before at least two
/// digit words ("oh five three").
fn zero_word_at(tokens: &[Token], i: usize, after_number: bool) -> bool {
    let Some(t) = tokens.get(i) else { return false };
    if !(t.is_word("oh") || (t.is_word("o") && !t.capitalized)) {
        return false;
    }
    if after_number {
        return true;
    }
    let digit = |k: usize| tokens.get(k).is_some_and(|n| matches!(number_word(&n.norm), Some(NumberWord::Digit(_))));
    digit(i + 1) && digit(i + 2)
}

/// Find every number run in the tokens.
pub fn number_runs(tokens: &[Token]) -> Vec<NumberRun> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match run_at(tokens, i) {
            Some(parts) => {
                i = parts.last().and_then(|g| g.chunks.last()).map_or(i + 1, |c| c.last + 1);
                runs.extend(split_groups(tokens, parts));
            }
            None => i += 1,
        }
    }
    join_written_hundreds(tokens, runs)
}

fn next_chunk(tokens: &[Token], i: usize, after_number: bool) -> Option<Chunk> {
    if zero_word_at(tokens, i, after_number) {
        return Some(Chunk { value: 0.0, digits: "0".into(), first: i, last: i, ordinal: false, decimal: false, written: false });
    }
    chunk_at(tokens, i)
}

/// The groups of one run (separated by `,`, `-` or `)`), before deciding which separators
/// join.
fn run_at(tokens: &[Token], start: usize) -> Option<Vec<Group>> {
    let first = next_chunk(tokens, start, false)?;
    let mut groups = vec![Group { chunks: vec![first], separator: ' ', glued: false }];
    while let Some(prev) = groups.last().and_then(|g| g.chunks.last()) {
        let next = prev.last + 1;
        if prev.ordinal {
            break;
        }
        if let Some(c) = next_chunk(tokens, next, true) {
            if let Some(g) = groups.last_mut() {
                g.chunks.push(c);
            }
            continue;
        }
        let separator = tokens.get(next).and_then(|t| t.norm.chars().next()).filter(|c| matches!(c, ',' | '-' | ')'));
        let glued = tokens.get(next).is_some_and(|t| t.joined) && tokens.get(next + 1).is_some_and(|t| t.joined);
        match separator.and_then(|sep| next_chunk(tokens, next + 1, false).map(|c| (c, sep))) {
            Some((c, separator)) if !c.decimal && !prev.decimal => groups.push(Group { chunks: vec![c], separator, glued }),
            _ => break,
        }
    }
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::super::token::tokenize;
    use super::*;

    fn runs(text: &str) -> Vec<(String, Option<f64>)> {
        number_runs(&tokenize(text)).into_iter().map(|r| (r.digits(), r.value())).collect()
    }

    #[test]
    fn cardinals_with_scales_and_and_read_as_one_value() {
        assert_eq!(runs("four hundred and twelve dollars"), [("412".to_string(), Some(412.0))]);
        assert_eq!(runs("three thousand six hundred and eighty"), [("3680".to_string(), Some(3680.0))]);
        assert_eq!(runs("two thousand twenty five"), [("2025".to_string(), Some(2025.0))]);
    }

    #[test]
    fn digit_groups_and_year_pairs_read_as_digit_strings() {
        assert_eq!(runs("six two zero, five five one, eight eight four")[0].0, "620551884");
        assert_eq!(runs("nineteen eighty-seven")[0].0, "1987");
        assert_eq!(runs("twenty twenty-five")[0].0, "2025");
        assert_eq!(runs("five oh three double five")[0].0, "50355");
        assert_eq!(runs("one eight hundred, five five five, zero one nine nine")[0].0, "18005550199");
        assert_eq!(runs("call 1-800-555-0199 now")[0].0, "18005550199");
    }

    #[test]
    fn digits_whisper_wrote_with_dashes_read_as_one_string() {
        assert_eq!(runs("It's 7-1-1-4-0-8-2-6.")[0].0, "71140826");
        assert_eq!(runs("627-1.")[0].0, "6271");
        assert_eq!(runs("Is 503-5501-2-8 still the best number?")[0].0, "503550128");
        // A range and an ISO date stay what they are.
        assert_eq!(runs("it ends in 2-9, not 2-6"), [("29".to_string(), None), ("26".to_string(), None)]);
        assert_eq!(runs("within 2-3 days").len(), 2);
        let iso = super::super::scan("on 2025-09-28");
        assert!(matches!(iso.mentions.as_slice(), [m] if matches!(m.value, super::super::Value::Date { .. })));
    }

    #[test]
    fn a_written_hundred_and_the_rest_read_as_one_number() {
        assert_eq!(runs("about 300 and 40 customers affected"), [("340".to_string(), Some(340.0))]);
        assert_eq!(runs("between 300 and 40, and 12").len(), 3);
    }

    #[test]
    fn separate_numbers_separated_by_commas_stay_apart() {
        assert_eq!(runs("for ten, fifteen minutes").len(), 2);
        assert_eq!(runs("Oh, mornings are tough").len(), 0);
    }
}
