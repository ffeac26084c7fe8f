//! Identifiers made of letters and digits: spoken ("P, M, T, five oh three eight one",
//! "C L dash nine zero two…", "B as in boy, …") and written ("PMT50381", "CL-902331",
//! "PMT 50381").

use super::mention::Value;
use super::scan::Scanner;
use super::token::TokenKind;
use super::words::letter_token;

pub(super) fn recognise(s: &mut Scanner) {
    spoken_letters(s);
    written(s);
}

const SEPARATORS: &[&str] = &[",", "-", "dash", "hyphen"];

/// The letter at token `i` when it can be part of a spelled identifier: a single letter,
/// capitalised (or any single letter but `a`/`i`, which are ordinary words in lowercase).
fn letter_at(s: &Scanner, i: usize) -> Option<char> {
    let t = s.tokens.get(i)?;
    if t.kind != TokenKind::Word || !s.free(i, i) {
        return None;
    }
    let c = letter_token(&t.norm)?;
    (t.capitalized || !matches!(c, 'A' | 'I')).then_some(c)
}

/// A token after a letter that continues the spelling: "as in apple" is skipped.
fn skip_phonetic(s: &Scanner, i: usize) -> usize {
    if s.word(i) == "as" && s.word(i + 1) == "in" && s.tokens.get(i + 2).is_some_and(|t| t.kind == TokenKind::Word) {
        i + 3
    } else {
        i
    }
}

fn spoken_letters(s: &mut Scanner) {
    let mut i = 0;
    while i < s.tokens.len() {
        let Some(first_letter) = letter_at(s, i) else {
            i += 1;
            continue;
        };
        let mut letters = String::from(first_letter);
        let mut k = skip_phonetic(s, i + 1);
        loop {
            let next = s.skip(k, SEPARATORS);
            match letter_at(s, next) {
                Some(c) if next - k <= 2 => {
                    letters.push(c);
                    k = skip_phonetic(s, next + 1);
                }
                _ => break,
            }
        }
        // A recogniser ends the letters, and each digit group, with a period when the turn
        // is cut into segments there ("B, E, N." / "2025." / "4481.").
        let digits_start = s.skip(k, SEPARATORS);
        let digits_start = if digits_start == k && letters.len() >= 2 && s.word(k) == "." { k + 1 } else { digits_start };
        let run = s.run_at(digits_start).cloned();
        let Some(mut run) = run.filter(|r| digits_start - k <= 2 && !r.is_ordinal()) else {
            i = k.max(i + 1);
            continue;
        };
        let mut digits = run.digits();
        // Dictated one character at a time, as a recogniser writes it ("B, E, N, 2, 0, 2, 5,
        // 4, 4, 8, 1"): single digits after commas go on.
        if letters.len() >= 2 && digits.len() == 1 {
            while s.word(run.last + 1) == "," {
                let Some(next) = s.run_at(run.last + 2).filter(|r| r.digits().len() == 1 && !r.is_ordinal()).cloned() else { break };
                digits.push_str(&next.digits());
                run.last = next.last;
            }
        }
        while letters.len() >= 2 && digits.len() >= 3 && s.word(run.last + 1) == "." {
            let written_group = |r: &super::numbers::NumberRun| r.chunks.len() == 1 && r.chunks[0].written && !r.chunks[0].decimal && r.digits().len() >= 3;
            let Some(next) = s.run_at(run.last + 2).filter(|r| written_group(r) && written_group(&run) && !r.is_ordinal()).cloned() else { break };
            digits.push_str(&next.digits());
            run.last = next.last;
        }
        let enough = letters.len() >= 2 || (run.is_digit_sequence() && digits.len() >= 3);
        let first_is_word = letters.len() == 1 && matches!(first_letter, 'A' | 'I');
        if enough && !first_is_word && digits.chars().all(|c| c.is_ascii_digit()) {
            let (tail, last) = continuation(s, run.last);
            s.push(Value::Identifier { id: format!("{letters}{digits}{tail}") }, i, last);
            i = last + 1;
            continue;
        }
        i = run.last + 1;
    }
}

/// Letters and digits that go on after an identifier's first letters and digits ("Q D P,
/// seven, K as in kilo, four four, M as in Mike, R"; "… one six five, U S."): a group of
/// letters counts when digits follow it or the sentence ends with it, so a sentence that
/// goes on ("…, I think") keeps its words. Returns the extra characters and the last token.
fn continuation(s: &Scanner, mut last: usize) -> (String, usize) {
    let mut tail = String::new();
    loop {
        let next = s.skip(last + 1, SEPARATORS);
        if next - (last + 1) > 2 || letter_at(s, next).is_none() {
            break;
        }
        let mut group = String::new();
        let mut k = next;
        while let Some(c) = letter_at(s, k) {
            group.push(c);
            k = skip_phonetic(s, k + 1);
            let after = s.skip(k, SEPARATORS);
            if after - k > 2 || letter_at(s, after).is_none() {
                break;
            }
            k = after;
        }
        let digits_at = s.skip(k, SEPARATORS);
        if let Some(run) = s.run_at(digits_at).filter(|r| digits_at - k <= 2 && !r.is_ordinal() && r.digits().chars().all(|c| c.is_ascii_digit())) {
            tail.push_str(&group);
            tail.push_str(&run.digits());
            last = run.last;
            continue;
        }
        if k >= s.tokens.len() || matches!(s.word(k), "." | "?" | "!") {
            tail.push_str(&group);
            last = k - 1;
        }
        break;
    }
    (tail, last)
}

/// "PMT50381", "CL-902331", "AB12-345", "PMT 50381" (capital letters then digits).
fn written(s: &mut Scanner) {
    for i in 0..s.tokens.len() {
        if !s.free(i, i) {
            continue;
        }
        let t = &s.tokens[i];
        let raw_upper = t.norm.len() >= 2 && t.norm.len() <= 5 && t.kind == TokenKind::Word;
        let (mut id, mut last) = match t.kind {
            TokenKind::Alnum if t.norm.chars().filter(char::is_ascii_digit).count() >= 2 => (t.norm.to_uppercase(), i),
            TokenKind::Word if raw_upper && all_caps(s, i) => (t.norm.to_uppercase(), i),
            _ => continue,
        };
        let letters_only = !id.chars().any(|c| c.is_ascii_digit());
        loop {
            let sep = s.tokens.get(last + 1).is_some_and(|n| n.is_punct('-') && n.joined);
            let next = if sep { last + 2 } else { last + 1 };
            let Some(n) = s.tokens.get(next) else { break };
            let continues = matches!(n.kind, TokenKind::Number | TokenKind::Alnum) && (n.joined || (letters_only && id.len() >= 2)) && !n.norm.contains(['.', ',']) && s.free(next, next);
            if !continues {
                break;
            }
            id.push_str(&n.norm.to_uppercase());
            last = next;
        }
        if id.chars().filter(char::is_ascii_digit).count() >= 2 && (last > i || !letters_only) {
            s.push(Value::Identifier { id }, i, last);
        }
    }
}

/// Whether the word at `i` is written entirely in capitals ("CL", "PMT"), and is not a
/// pronoun or article.
fn all_caps(s: &Scanner, i: usize) -> bool {
    let t = &s.tokens[i];
    t.all_caps && t.norm.chars().all(|c| c.is_ascii_alphabetic()) && !matches!(t.norm.as_str(), "i" | "a")
}
