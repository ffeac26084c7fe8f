//! The vocabulary of spoken numbers: digits, teens, tens, scales, ordinals and months.

/// What one number word contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberWord {
    /// zero…nine (and `oh` when it stands for zero).
    Digit(u32),
    /// ten…nineteen.
    Teen(u32),
    /// twenty, thirty, … ninety.
    Tens(u32),
    /// hundred.
    Hundred,
    /// thousand, million, billion.
    Scale(u64),
    /// first…nineteenth, twentieth, thirtieth…: the ordinal's value.
    Ordinal(u32),
}

/// Classify a lowercase word as a number word. `oh` and `o` are not included: whether they
/// mean zero depends on their neighbours.
pub fn number_word(word: &str) -> Option<NumberWord> {
    use NumberWord::*;
    let w = match word {
        "zero" | "nought" | "naught" => Digit(0),
        "one" => Digit(1),
        "two" => Digit(2),
        "three" => Digit(3),
        "four" => Digit(4),
        "five" => Digit(5),
        "six" => Digit(6),
        "seven" => Digit(7),
        "eight" => Digit(8),
        "nine" => Digit(9),
        "ten" => Teen(10),
        "eleven" => Teen(11),
        "twelve" => Teen(12),
        "thirteen" => Teen(13),
        "fourteen" => Teen(14),
        "fifteen" => Teen(15),
        "sixteen" => Teen(16),
        "seventeen" => Teen(17),
        "eighteen" => Teen(18),
        "nineteen" => Teen(19),
        "twenty" => Tens(20),
        "thirty" => Tens(30),
        "forty" | "fourty" => Tens(40),
        "fifty" => Tens(50),
        "sixty" => Tens(60),
        "seventy" => Tens(70),
        "eighty" => Tens(80),
        "ninety" => Tens(90),
        "hundred" => Hundred,
        "thousand" => Scale(1_000),
        "million" => Scale(1_000_000),
        "billion" => Scale(1_000_000_000),
        _ => return ordinal_word(word).map(Ordinal),
    };
    Some(w)
}

/// `first` → 1 … `thirtieth` → 30 (compound ordinals are built by the chunker from `twenty` +
/// `first`).
pub fn ordinal_word(word: &str) -> Option<u32> {
    let v = match word {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    };
    Some(v)
}

/// `january`/`jan` … `december`/`dec` → 1…12. `may` and `march` are months only when a day
/// follows; callers check that.
pub fn month_word(word: &str) -> Option<u32> {
    let m = match word.trim_end_matches('.') {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// 1…12 → "January"…"December" ("" outside that range).
pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    month.checked_sub(1).and_then(|i| NAMES.get(i as usize)).copied().unwrap_or("")
}

/// Monday…Sunday → 0…6.
pub fn weekday_word(word: &str) -> Option<u32> {
    let d = match word {
        "monday" => 0,
        "tuesday" => 1,
        "wednesday" => 2,
        "thursday" => 3,
        "friday" => 4,
        "saturday" => 5,
        "sunday" => 6,
        _ => return None,
    };
    Some(d)
}

/// Whether a lowercase word names a currency unit, with the factor to whole units
/// (`cents` → 0.01).
pub fn currency_word(word: &str) -> Option<f64> {
    match word {
        "dollar" | "dollars" | "bucks" | "buck" | "euro" | "euros" | "usd" | "eur" | "gbp"
        | "quid" | "rupees" | "pesos" | "yen" => Some(1.0),
        "cent" | "cents" | "pence" | "penny" | "pennies" => Some(0.01),
        "grand" => Some(1000.0),
        _ => None,
    }
}

/// Whether a punctuation token is a currency sign.
pub fn currency_sign(c: &str) -> bool {
    matches!(c, "$" | "€" | "£" | "¥" | "₹")
}

/// A single spoken or written letter (`C`, `L`) as used when spelling identifiers.
pub fn letter_token(original: &str) -> Option<char> {
    let mut chars = original.chars();
    let first = chars.next()?;
    (chars.next().is_none() && first.is_ascii_alphabetic()).then(|| first.to_ascii_uppercase())
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
