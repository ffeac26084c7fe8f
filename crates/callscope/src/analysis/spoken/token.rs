//! Splits transcript text into tokens that keep their byte offsets, so a value found in speech
//! can be pointed at (and redacted) in the original text.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes (`it's`, `o'clock`).
    Word,
    /// Written digits, possibly with inner `.`/`,` (`412.60`, `3,680`) or an ordinal suffix
    /// (`15th`, then `ordinal` is set).
    Number,
    /// Letters and digits mixed, starting with a letter or holding more than a suffix
    /// (`PMT50381`, `3B`).
    Alnum,
    /// A written e-mail address (`yuki.tanaka@gmail.com`).
    Email,
    /// Any other single visible character: `, . - / : ? ! $ % @ …`.
    Punct,
}

/// One token of a text with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is made of.
    pub kind: TokenKind,
    /// Lowercase form with typographic apostrophes straightened; `a.m.` becomes `am`.
    pub norm: String,
    /// Byte offset of the first character in the source text.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// True when no whitespace separates this token from the previous one.
    pub joined: bool,
    /// True when the original text starts with an uppercase letter.
    pub capitalized: bool,
    /// True when every letter of the original text is uppercase (`PMT`, `CL`).
    pub all_caps: bool,
    /// For `Number` tokens written with an ordinal suffix (`15th`).
    pub ordinal: bool,
}

impl Token {
    /// Whether the token is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct && self.norm.starts_with(c)
    }

    /// Whether the token is the word `w` (already lowercase).
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == TokenKind::Word && self.norm == w
    }

    /// The token's original text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// Split `text` into tokens. Never fails; unknown characters become `Punct` tokens and
/// whitespace only separates.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut joined = false;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            joined = false;
            i += 1;
            continue;
        }
        let (next, token) = if let Some(end) = email_at(&chars, i) {
            let end_byte = byte_at(&chars, end, text.len());
            let raw = &text[start..end_byte];
            (end, make(TokenKind::Email, raw.to_lowercase(), start, end_byte, joined, raw))
        } else if let Some(end) = meridiem_at(&chars, i) {
            let end_byte = byte_at(&chars, end, text.len());
            let norm = if c.eq_ignore_ascii_case(&'a') { "am" } else { "pm" };
            (end, make(TokenKind::Word, norm.to_string(), start, end_byte, joined, "a"))
        } else if c.is_alphanumeric() {
            let end = alnum_end(&chars, i);
            let end_byte = byte_at(&chars, end, text.len());
            let raw = &text[start..end_byte];
            let mut out = Vec::new();
            split_alnum(raw, start, joined, &mut out);
            tokens.extend(out);
            joined = true;
            i = end;
            continue;
        } else {
            let end_byte = byte_at(&chars, i + 1, text.len());
            let raw = &text[start..end_byte];
            let norm = if matches!(c, '’' | '‘') { "'".to_string() } else { raw.to_string() };
            (i + 1, make(TokenKind::Punct, norm, start, end_byte, joined, raw))
        };
        tokens.push(token);
        joined = true;
        i = next;
    }
    tokens
}

fn make(kind: TokenKind, norm: String, start: usize, end: usize, joined: bool, raw: &str) -> Token {
    let capitalized = raw.chars().next().is_some_and(char::is_uppercase);
    let all_caps = raw.chars().any(char::is_alphabetic) && !raw.chars().any(char::is_lowercase);
    Token { kind, norm, start, end, joined, capitalized, all_caps, ordinal: false }
}

fn byte_at(chars: &[(usize, char)], index: usize, len: usize) -> usize {
    chars.get(index).map_or(len, |(b, _)| *b)
}

/// End (exclusive char index) of a run of letters/digits with inner apostrophes, and inner
/// `.`/`,` between digits (`412.60`, `3,680`).
fn alnum_end(chars: &[(usize, char)], start: usize) -> usize {
    let mut i = start;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let prev = if i > start { Some(chars[i - 1].1) } else { None };
        let next = chars.get(i + 1).map(|p| p.1);
        let inner_apostrophe = matches!(c, '\'' | '’')
            && prev.is_some_and(char::is_alphabetic)
            && next.is_some_and(char::is_alphabetic);
        let inner_separator = matches!(c, '.' | ',')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
            && digits_after(chars, i + 1) >= if c == ',' { 3 } else { 1 };
        let thousands_ok = c != ',' || digits_after(chars, i + 1) == 3;
        if (inner_apostrophe || inner_separator) && thousands_ok {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn digits_after(chars: &[(usize, char)], from: usize) -> usize {
    chars[from.min(chars.len())..].iter().take_while(|(_, c)| c.is_ascii_digit()).count()
}

/// Split a letters/digits run into tokens: `15th` → ordinal number, `8pm`/`10mg` → number +
/// word, `PMT50381`/`3B` → alnum, letters-only → word, digits-only → number.
fn split_alnum(raw: &str, start: usize, joined: bool, out: &mut Vec<Token>) {
    let has_digit = raw.chars().any(|c| c.is_ascii_digit());
    let has_alpha = raw.chars().any(char::is_alphabetic);
    let norm = raw.to_lowercase().replace('’', "'");
    let end = start + raw.len();
    if !has_alpha {
        out.push(make(TokenKind::Number, norm, start, end, joined, raw));
        return;
    }
    if !has_digit {
        out.push(make(TokenKind::Word, norm, start, end, joined, raw));
        return;
    }
    let digit_prefix: usize = raw.chars().take_while(char::is_ascii_digit).map(char::len_utf8).sum();
    let suffix = &norm[digit_prefix..];
    let suffix_is_letters = suffix.chars().all(char::is_alphabetic);
    if digit_prefix > 0 && suffix_is_letters {
        if matches!(suffix, "st" | "nd" | "rd" | "th") {
            let mut t = make(TokenKind::Number, norm[..digit_prefix].to_string(), start, end, joined, raw);
            t.ordinal = true;
            out.push(t);
            return;
        }
        if suffix.len() >= 2 || matches!(suffix, "k" | "m" | "h" | "s") {
            let split = start + digit_prefix;
            out.push(make(TokenKind::Number, norm[..digit_prefix].to_string(), start, split, joined, raw));
            out.push(make(TokenKind::Word, suffix.to_string(), split, end, true, &raw[digit_prefix..]));
            return;
        }
    }
    out.push(make(TokenKind::Alnum, norm, start, end, joined, raw));
}

/// `a.m.`, `p.m.`, `a.m`, `am`/`pm` as a whole word: returns the end char index.
fn meridiem_at(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let c = chars[i].1.to_ascii_lowercase();
    if c != 'a' && c != 'p' {
        return None;
    }
    if i > 0 && chars[i - 1].1.is_alphanumeric() {
        return None;
    }
    let at = |k: usize| chars.get(k).map(|p| p.1.to_ascii_lowercase());
    if at(i + 1) == Some('.') && at(i + 2) == Some('m') {
        let mut end = i + 3;
        if at(end) == Some('.') {
            end += 1;
        }
        if at(end).is_some_and(char::is_alphanumeric) {
            return None;
        }
        return Some(end);
    }
    None
}

/// A written e-mail address starting at char index `i`: returns its end char index.
fn email_at(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let local_ok = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
    if !chars[i].1.is_alphanumeric() || (i > 0 && local_ok(chars[i - 1].1)) {
        return None;
    }
    let mut k = i;
    while k < chars.len() && local_ok(chars[k].1) {
        k += 1;
    }
    if chars.get(k).map(|p| p.1) != Some('@') {
        return None;
    }
    let domain_start = k + 1;
    let mut end = domain_start;
    while end < chars.len() && (chars[end].1.is_alphanumeric() || matches!(chars[end].1, '.' | '-')) {
        end += 1;
    }
    while end > domain_start && chars[end - 1].1 == '.' {
        end -= 1;
    }
    let domain: String = chars[domain_start..end].iter().map(|p| p.1).collect();
    let dot = domain.rfind('.')?;
    let tld_len = domain.len() - dot - 1;
    (dot > 0 && tld_len >= 2).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn written_money_and_ordinals_stay_whole() {
        assert_eq!(norms("$412.60 on Dec 15th"), ["$", "412.60", "on", "dec", "15"]);
        assert!(tokenize("15th")[0].ordinal);
        assert_eq!(norms("$3,680, then 620, 551"), ["$", "3,680", ",", "then", "620", ",", "551"]);
    }

    #[test]
    fn emails_meridiems_and_identifiers_are_single_tokens() {
        assert_eq!(norms("It's Yuki.Tanaka@gmail.com."), ["it's", "yuki.tanaka@gmail.com", "."]);
        assert_eq!(norms("at 3:30 p.m. today"), ["at", "3", ":", "30", "pm", "today"]);
        assert_eq!(norms("PMT50381 and 8pm"), ["pmt50381", "and", "8", "pm"]);
    }
}
