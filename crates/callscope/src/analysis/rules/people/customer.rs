//! The customer's name: given when asked or in an introduction, confirmed when the agent
//! reads it back or addresses them by surname, corrected by its spelling.

use super::super::context::{CallContext, Turn};
use super::parts::{after_phrase, followed_by_business, name_at, BUSINESS};
use super::spelled::{respelled, spellings};

/// Who-questions that ask for the caller's name.
const WHO_REQUESTS: &[&str] = &["who am i speaking", "who do i have", "who's calling", "who is calling", "spell your", "first and last"];

/// Whether the agent's turn asks for a name: a question or request with "name" in it that is
/// not the agent's own ("your name", "the name on the file", "the patient's name").
fn asks_name(turn: &Turn) -> bool {
    if !turn.is_agent() {
        return false;
    }
    let w = &turn.words;
    let own = |i: usize| i > 0 && matches!(w.words[i - 1].as_str(), "my" | "company" | "user" | "file");
    let named = (0..w.words.len()).any(|i| matches!(w.words[i].as_str(), "name" | "names") && !own(i) && (w.is_question(w.sentence[i]) || w.words.iter().any(|x| x == "please")));
    named || turn.says_any(WHO_REQUESTS)
}

/// Whether a reply opens with a yes ("Yes, that's me.", "That's right").
fn confirms(turn: &Turn) -> bool {
    let opening: Vec<&str> = turn.words.words.iter().take(3).map(String::as_str).collect();
    matches!(opening.first().copied(), Some("yes" | "yeah" | "yep" | "correct" | "right" | "mhm")) || opening.starts_with(&["that's", "me"]) || opening.starts_with(&["that's", "right"])
}

/// The customer's name: what they say when asked or when they introduce themself, or a full
/// name the agent reads out and they confirm; completed with the surname the agent uses and
/// corrected by a spelling. Among several, an answer to a name request wins over an
/// introduction, a fuller name over a shorter one, and one the agent's "Ms. X" confirms over
/// others. With no name said but a surname used ("Mr. Lindqvist"), that surname.
pub fn customer_name(ctx: &CallContext) -> Option<String> {
    let surname = addressed_surname(ctx);
    let mut best: Option<(usize, Vec<String>)> = None;
    let mut consider = |parts: Vec<String>, asked: bool| {
        if parts.iter().any(|p| BUSINESS.contains(&p.to_lowercase().as_str())) {
            return;
        }
        let confirmed = surname.as_ref().is_some_and(|s| parts.last() == Some(s));
        let score = parts.len() + 2 * usize::from(asked) + 3 * usize::from(confirmed);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, parts));
        }
    };
    for turn in ctx.turns.iter().filter(|t| t.is_customer()) {
        let asked = ctx.previous_other(turn).is_some_and(asks_name);
        for intro in [&["my", "name", "is"][..], &["my", "name's"], &["the", "name's"], &["name", "is"], &["this", "is"], &["i'm"], &["it's"]] {
            for start in after_phrase(turn, intro) {
                if let Some((parts, _)) = name_at(turn, start).filter(|(_, next)| !followed_by_business(turn, *next)) {
                    // "I'm Yolanda Kessler" introduces; "I'm Fine" does not.
                    let introduced = (intro.len() >= 2 && intro != ["this", "is"]) || (intro == ["i'm"] && parts.len() >= 2);
                    if introduced || asked {
                        consider(extend_with_full(turn, parts), asked);
                    }
                }
            }
        }
        if asked {
            if let Some(parts) = first_full_name(turn) {
                consider(parts, true);
            }
        }
        // A full name in the caller's own words that the agent's "Mr. Sato" confirms.
        if let Some(parts) = first_full_name(turn).filter(|p| p.len() >= 2 && surname.as_ref() == p.last()) {
            consider(parts, false);
        }
    }
    for turn in ctx.turns.iter().filter(|t| t.is_agent() && !t.is_customer()) {
        let confirmed = ctx.turns.get(turn.index + 1).is_some_and(|r| r.is_customer() && confirms(r));
        let asked_back = turn.words.sentences.iter().any(|s| s.question);
        if let Some(parts) = first_full_name(turn).filter(|p| p.len() >= 2 && confirmed && asked_back) {
            consider(parts, true);
        }
    }
    let mut parts = match best {
        Some((_, parts)) => parts,
        None => vec![surname.clone()?],
    };
    if parts.len() == 1 {
        if let Some(s) = surname.filter(|s| !parts.contains(s)) {
            parts.push(s);
        }
    }
    let spelled: Vec<String> = ctx.turns.iter().filter(|t| t.is_customer() || asks_name(t)).flat_map(spellings).collect();
    Some(respelled(&parts, &spelled).join(" "))
}

/// "My name's Harold. Harold Fitzgerald." – a longer name in the same turn that starts with
/// the same first name.
fn extend_with_full(turn: &Turn, parts: Vec<String>) -> Vec<String> {
    let mut best = parts.clone();
    for i in 0..turn.scan.tokens.len() {
        if let Some((p, _)) = name_at(turn, i) {
            if p.len() > best.len() && p.first() == parts.first() {
                best = p;
            }
        }
    }
    best
}

/// The first run of two or more name words in a turn ("Sure. It's Elena Marchetti."), else
/// its first name word. A run a business word follows names a company ("Thorne Merry Home
/// Landing"), not a person.
fn first_full_name(turn: &Turn) -> Option<Vec<String>> {
    let mut i = 0;
    let mut single = None;
    while i < turn.scan.tokens.len() {
        match name_at(turn, i) {
            Some((_, next)) if followed_by_business(turn, next) => i = next,
            Some((parts, _)) if parts.len() >= 2 => return Some(parts),
            Some((parts, next)) => {
                single = single.or(Some(parts));
                i = next;
            }
            None => i += 1,
        }
    }
    single
}

/// The surname the agent addresses the customer by ("Mister Iyer", "Ms. Tanaka").
fn addressed_surname(ctx: &CallContext) -> Option<String> {
    for turn in ctx.turns.iter().filter(|t| t.is_agent()) {
        let tokens = &turn.scan.tokens;
        for (i, t) in tokens.iter().enumerate() {
            if !matches!(t.norm.as_str(), "mister" | "mr" | "miss" | "ms" | "mrs" | "missus" | "mx") {
                continue;
            }
            let k = if tokens.get(i + 1).is_some_and(|d| d.is_punct('.')) { i + 2 } else { i + 1 };
            if let Some((parts, _)) = name_at(turn, k) {
                return parts.last().cloned();
            }
        }
    }
    None
}
