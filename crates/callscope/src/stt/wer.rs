//! Word error rate, for measuring transcription accuracy against a reference text.
//!
//! Normaliser (applied to both sides): lowercase; `-`, `/` and `—` split words; other
//! punctuation is dropped except apostrophes inside words; the titles `mr`, `mrs`, `dr` are
//! spelled out (`mister`, `missus`, `doctor`). Numbers are compared as written.

/// Normalised words of `text` (see the module doc).
pub fn normalise_words(text: &str) -> Vec<String> {
    let lowered = text.to_lowercase();
    let spaced: String =
        lowered.chars().map(|c| if matches!(c, '-' | '/' | '—' | '–') { ' ' } else { c }).collect();
    spaced
        .split_whitespace()
        .filter_map(|raw| {
            let kept: String = raw.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect();
            let word = kept.trim_matches('\'').to_string();
            (!word.is_empty()).then(|| match word.as_str() {
                "mr" => "mister".to_string(),
                "mrs" => "missus".to_string(),
                "dr" => "doctor".to_string(),
                _ => word,
            })
        })
        .collect()
}

/// Word-level edit distance (substitutions + insertions + deletions) between two word lists.
pub fn word_edits(reference: &[String], hypothesis: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut cur = vec![i + 1; hypothesis.len() + 1];
        for (j, h) in hypothesis.iter().enumerate() {
            let substitute = prev[j] + usize::from(r != h);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[hypothesis.len()]
}

/// Word error rate of `hypothesis` against `reference`, after normalising both.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let r = normalise_words(reference);
    let h = normalise_words(hypothesis);
    if r.is_empty() {
        return if h.is_empty() { 0.0 } else { 1.0 };
    }
    word_edits(&r, &h) as f64 / r.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_case_and_hyphens_do_not_count_as_errors() {
        assert_eq!(word_error_rate("he was not an ill disposed young man", "He was not an ill-disposed young man."), 0.0);
        assert_eq!(word_error_rate("and mister john dashwood", "And Mr. John Dashwood"), 0.0);
    }

    #[test]
    fn one_wrong_word_in_four_is_a_quarter() {
        assert_eq!(word_error_rate("one two three four", "one two tree four"), 0.25);
        assert_eq!(word_error_rate("one two three four", "one two four"), 0.25);
    }
}
