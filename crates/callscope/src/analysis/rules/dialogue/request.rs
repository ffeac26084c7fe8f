//! What a turn asks the other side for: "Can I get your employee ID and date of birth?",
//! "What's the best phone number for you?", "Which medication is it?", "Any drug allergies?",
//! "Where are you staying?". Each request names a slot and the kind of answer it wants.

use super::super::context::Turn;
use super::naming::{is_sensitive, name_from};

/// The kind of answer a request wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Identifier,
    Phone,
    Email,
    Date,
    Time,
    Money,
    Count,
    Address,
    Text,
}

/// One slot a turn asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The slot's name, from the words of the request.
    pub name: String,
    pub want: Want,
    /// The answer is personal data a field must not keep: a date of birth, a social security
    /// number, a PIN, the other side's own phone or e-mail ("your email").
    pub private: bool,
}

/// Word sequences after which the thing asked for is named.
const TRIGGERS: &[&[&str]] = &[
    &["can", "i", "get"], &["can", "i", "have"], &["could", "i", "get"], &["could", "i", "have"], &["may", "i", "have"],
    &["may", "i", "get"], &["can", "i", "grab"], &["can", "i", "start", "with"], &["could", "i", "start", "with"],
    &["can", "i", "take"], &["can", "you", "give", "me"], &["could", "you", "give", "me"], &["can", "you", "tell", "me"],
    &["could", "you", "tell", "me"], &["can", "you", "confirm"], &["could", "you", "confirm"], &["can", "you", "read", "me"],
    &["could", "you", "read", "me"], &["can", "you", "spell"], &["what's"], &["what", "is"], &["what", "was"], &["what're"],
    &["what", "are"], &["do", "you", "have"], &["have", "you", "got"], &["happen", "to", "have"], &["do", "you", "know"],
    &["i'll", "need"], &["i'd", "need"], &["i", "need"], &["i'll", "just", "need"], &["please", "confirm"],
    &["please", "give", "me"], &["is", "there"], &["which"], &["what"], &["any"], &["how", "many"], &["how", "much"],
];

/// Words that open a sentence without belonging to the request ("And which medication is it?").
const OPENERS: &[&str] = &["and", "so", "okay", "ok", "now", "also", "great", "perfect", "alright", "then", "um", "uh", "oh", "lastly", "finally", "next"];

/// Verbs that follow "what"/"which" when it asks about something other than a thing's name
/// ("What works better?", "What happened?").
const WH_VERBS: &[&str] = &[
    "works", "work", "happened", "happens", "brings", "seems", "made", "makes", "sounds", "prompted", "caused", "goes", "comes",
    "matters", "helps", "kind", "else", "exactly", "about", "would", "should", "can", "could", "do", "does", "did", "is", "are",
    "was", "were", "will", "time's",
];

const DETERMINERS: &[&str] = &["your", "the", "a", "an", "that", "this", "any", "my", "their", "his", "her", "its", "our", "those", "these", "some"];

/// Words that end the noun phrase of a request.
const PHRASE_ENDS: &[&str] = &[
    "for", "on", "from", "to", "in", "at", "with", "if", "so", "please", "that", "you", "you're", "you've", "which", "when",
    "where", "is", "are", "was", "were", "it", "i", "we", "they", "there", "do", "does", "did", "will", "would", "can",
    "could", "should", "by", "as", "or", "ready", "handy", "again", "just", "real", "quick", "still", "here", "now", "then",
    "it's", "i'd", "i'll", "we'll", "we'd", "should", "need", "want", "have", "has", "had", "be", "been", "like", "about",
    "left", "remaining", "available", "right", "too", "also", "first", "today",
];

/// The words of one sentence of a turn, without opening fillers.
fn sentence_words(turn: &Turn, n: usize) -> Vec<String> {
    let words: Vec<String> = turn.words.sentence_words(n).map(|i| turn.words.words[i].clone()).collect();
    let skip = words.iter().take_while(|w| OPENERS.contains(&w.as_str())).count();
    words[skip..].to_vec()
}

/// Whether a sentence asks for something: a question, or a request said as a statement
/// ("I'll need your account number.", "Please confirm the address.").
fn is_request(turn: &Turn, n: usize, words: &[String]) -> bool {
    let first = words.first().map(String::as_str);
    turn.words.is_question(n) || matches!(first, Some("please")) || words.windows(2).any(|w| matches!((w[0].as_str(), w[1].as_str()), ("i'll" | "i'd" | "i", "need")))
}

/// The requests of every sentence of a turn.
pub fn requests(turn: &Turn) -> Vec<Request> {
    let mut out = Vec::new();
    for n in 0..turn.words.sentences.len() {
        let words = sentence_words(turn, n);
        if words.is_empty() || !is_request(turn, n, &words) {
            continue;
        }
        for phrase in asked_phrases(&words) {
            if let Some(r) = request_for(&phrase, &words) {
                if !out.iter().any(|o: &Request| o.name == r.name) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// The noun phrases a request sentence asks for (several joined by "and").
fn asked_phrases(words: &[String]) -> Vec<Vec<String>> {
    if let Some(slot) = wh_slot(words) {
        return vec![slot];
    }
    let mut best: Option<(usize, usize)> = None;
    for trigger in TRIGGERS {
        let found = (0..words.len()).find(|&i| trigger.iter().enumerate().all(|(k, t)| words.get(i + k).is_some_and(|w| w == t)));
        if let Some(i) = found {
            // Single-word triggers only open a sentence ("Which medication is it?", "And the name
            // on the file?"), or ask "what/which <noun>".
            let single_ok = trigger.len() > 1 || i == 0 || matches!(trigger[0], "which" | "what");
            if single_ok && best.is_none_or(|(b, _)| i < b) {
                best = Some((i, i + trigger.len()));
            }
        }
    }
    // A bare noun phrase asked as a question: "The tracking number?", "The last four of the card?"
    let bare = words.first().is_some_and(|w| DETERMINERS.contains(&w.as_str()));
    let Some((_, mut k)) = best.or(bare.then_some((0, 0))) else { return Vec::new() };
    if k > 0 && matches!(words[k - 1].as_str(), "what" | "which") && words.get(k).is_some_and(|w| WH_VERBS.contains(&w.as_str())) {
        return Vec::new();
    }
    let mut phrases = Vec::new();
    let mut current: Vec<String> = Vec::new();
    while k < words.len() && phrases.len() < 3 {
        let w = words[k].as_str();
        if DETERMINERS.contains(&w) && current.is_empty() {
            k += 1;
            continue;
        }
        if w == "and" {
            if !current.is_empty() {
                phrases.push(std::mem::take(&mut current));
            }
            k += 1;
            continue;
        }
        // "date of birth", "proof of income", "last four of the card".
        if w == "of" && !current.is_empty() && current.len() < 3 {
            k += 1;
            while words.get(k).is_some_and(|d| DETERMINERS.contains(&d.as_str())) {
                k += 1;
            }
            continue;
        }
        if PHRASE_ENDS.contains(&w) || current.len() >= 4 || w.ends_with("ing") && current.is_empty() {
            break;
        }
        current.push(w.to_string());
        k += 1;
    }
    if !current.is_empty() {
        phrases.push(current);
    }
    phrases
}

/// Questions that name their slot by the question word and verb: "where are you (staying)?",
/// "what are you driving?".
fn wh_slot(words: &[String]) -> Option<Vec<String>> {
    let has = |w: &str| words.iter().any(|x| x == w);
    let start = words.iter().position(|w| matches!(w.as_str(), "where" | "what"))?;
    let rest = &words[start..];
    match rest.first().map(String::as_str) {
        Some("where") => Some(vec![if has("staying") || has("send") || has("deliver") || has("ship") { "address".into() } else { "location".into() }]),
        Some("what") if rest.get(1).is_some_and(|w| w == "are") && rest.get(2).is_some_and(|w| w == "you") && has("driving") => Some(vec!["vehicle".into()]),
        _ => None,
    }
}

/// The request for one phrase: its name and the kind of answer.
fn request_for(phrase: &[String], sentence: &[String]) -> Option<Request> {
    let has = |w: &str| phrase.iter().any(|p| p == w || p.trim_end_matches('s') == w);
    if has("name") || phrase.iter().all(|w| w.len() < 2) {
        return None;
    }
    if is_sensitive(phrase) {
        let want = if has("birth") || has("birthday") || has("born") { Want::Date } else { Want::Identifier };
        return Some(Request { name: "private".into(), want, private: true });
    }
    let in_sentence = |w: &str| sentence.iter().any(|s| s == w);
    // "the best number", "a good number to reach you": a phone number.
    let asking_adjective = phrase.iter().any(|w| matches!(w.as_str(), "best" | "good" | "callback" | "contact"));
    let own = sentence.iter().any(|w| matches!(w.as_str(), "your" | "you")) && !phrase.iter().any(|w| w.ends_with("'s"));
    let head = phrase.last().map(String::as_str).unwrap_or_default();
    let how_many = sentence.windows(2).any(|w| w[0] == "how" && w[1] == "many");
    let want = if has("email") || has("e-mail") {
        Want::Email
    } else if has("phone") || has("cell") || has("mobile") || has("callback") || (head == "number" && (phrase.len() == 1 || asking_adjective) && (asking_adjective || in_sentence("call") || in_sentence("reach") || in_sentence("text"))) {
        Want::Phone
    } else if has("address") || matches!(head, "location") {
        Want::Address
    } else if has("date") || has("day") {
        Want::Date
    } else if has("time") {
        Want::Time
    } else if ["amount", "fee", "cost", "price", "balance", "payment", "charge", "total", "premium", "copay", "deductible", "bill"].iter().any(|w| has(w)) {
        Want::Money
    } else if how_many {
        Want::Count
    } else if ["number", "reference", "code", "id", "tag", "key", "plate", "confirmation", "ticket", "serial", "vin", "locator"].iter().any(|w| has(w)) {
        Want::Identifier
    } else {
        Want::Text
    };
    let last_four = has("last") && has("four");
    let want = if last_four { Want::Identifier } else { want };
    let name = match want {
        Want::Phone if !has("phone") => "phone_number".to_string(),
        // "the last four of the card" → card_last_four.
        _ if last_four => {
            let rest: Vec<String> = phrase.iter().filter(|w| !matches!(w.as_str(), "last" | "four" | "digits")).cloned().collect();
            format!("{}_last_four", name_from(&rest).unwrap_or_else(|| "account".into()))
        }
        _ => name_from(phrase)?,
    };
    let private = own && matches!(want, Want::Phone | Want::Email);
    Some(Request { name, want, private })
}
