//! Who is on the call. The agent introduces themself ("this is Priya speaking", "my name is
//! Kevin"); the customer gives a name when asked ("Can I have the name on the policy?" –
//! "Rajesh Iyer.") or offers it ("The name's Ethan Park"), and the agent may address them
//! ("Thank you, Mister Iyer").

use crate::analysis::spoken::{Token, TokenKind};

use super::context::{CallContext, Turn};
use super::lexicon::can_be_name;

/// Words after a name that show it is a business, not a person ("this is Valley Electric").
const BUSINESS: &[&str] = &[
    "electric", "energy", "insurance", "bank", "banking", "services", "service", "department", "support", "clinic", "health",
    "internet", "line", "company", "center", "centre", "group", "mutual", "home", "medical", "pharmacy", "airlines", "motors",
    "credit", "union", "utilities", "water", "gas", "telecom", "wireless", "store", "shop", "customer", "care", "hotel", "university",
    "online", "electronics", "inc", "llc", "ltd", "corp", "corporation", "airways", "airlines", "pharmacy", "market", "foods",
];

/// A name part at token `i`: a capitalised word, with joined hyphenated continuations
/// ("Al-Sayed"). Returns the text and the index after it.
fn name_part(turn: &Turn, i: usize) -> Option<(String, usize)> {
    let tokens = &turn.scan.tokens;
    let t = tokens.get(i)?;
    if !is_name_token(t) {
        return None;
    }
    let mut text = clean(t.text(&turn.text));
    let mut k = i + 1;
    while tokens.get(k).is_some_and(|h| h.is_punct('-') && h.joined) && tokens.get(k + 1).is_some_and(|n| n.joined && is_name_token(n)) {
        text.push('-');
        text.push_str(&clean(tokens[k + 1].text(&turn.text)));
        k += 2;
    }
    Some((text, k))
}

fn clean(text: &str) -> String {
    text.trim_end_matches("'s").trim_end_matches("’s").to_string()
}

fn is_name_token(t: &Token) -> bool {
    t.kind == TokenKind::Word && t.capitalized && t.norm.chars().count() > 1 && can_be_name(&t.norm)
}

/// The longest run of name parts starting at token `i`, up to three.
fn name_at(turn: &Turn, i: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = Vec::new();
    let mut k = i;
    while parts.len() < 3 {
        match name_part(turn, k) {
            Some((p, next)) => {
                parts.push(p);
                k = next;
            }
            None => break,
        }
    }
    (!parts.is_empty()).then_some((parts, k))
}

fn followed_by_business(turn: &Turn, k: usize) -> bool {
    turn.scan.tokens.get(k).is_some_and(|t| BUSINESS.contains(&t.norm.as_str()))
}

/// Token index right after the words `phrase` (lowercase, split on spaces) in the turn.
fn after_phrase(turn: &Turn, phrase: &[&str]) -> Vec<usize> {
    let w = &turn.words.words;
    (0..w.len())
        .filter(|&i| phrase.iter().enumerate().all(|(k, p)| w.get(i + k).is_some_and(|x| x == p)))
        .filter_map(|i| turn.words.token.get(i + phrase.len()).copied())
        .collect()
}

/// The agent's name, from their self-introduction; when that is missing or not a word a
/// name can be (a recogniser's "Pre-You're"), from the customer's greeting ("Hi Priya!").
pub fn agent_name(ctx: &CallContext) -> Option<String> {
    let intro = introduced_agent(ctx);
    if intro.as_deref().is_some_and(|n| n.chars().all(|c| c.is_alphabetic() || c == '-')) {
        return intro;
    }
    greeted_agent(ctx).or(intro)
}

/// "Hi Priya!" / "Hey Grace" opening one of the customer's first turns.
fn greeted_agent(ctx: &CallContext) -> Option<String> {
    for turn in ctx.turns.iter().filter(|t| t.is_customer() && !t.is_agent()).take(2) {
        let first = turn.words.words.first().map(String::as_str);
        if !matches!(first, Some("hi" | "hey" | "hello" | "thanks")) {
            continue;
        }
        let Some(&token) = turn.words.token.get(1) else { continue };
        if let Some((parts, next)) = name_at(turn, token) {
            if !followed_by_business(turn, next) && parts.len() == 1 {
                return parts.first().cloned();
            }
        }
    }
    None
}

fn introduced_agent(ctx: &CallContext) -> Option<String> {
    for turn in ctx.turns.iter().filter(|t| t.is_agent()).take(4) {
        for intro in [&["my", "name", "is"][..], &["my", "name's"], &["this", "is"], &["speaking", "with"], &["you've", "reached"], &["it's"]] {
            for start in after_phrase(turn, intro) {
                let Some((parts, next)) = name_at(turn, start) else { continue };
                if followed_by_business(turn, next) || parts.iter().any(|p| BUSINESS.contains(&p.to_lowercase().as_str())) {
                    continue;
                }
                if intro == ["it's"] && turn.scan.tokens.get(next).is_none_or(|t| t.norm != "speaking") {
                    continue;
                }
                return parts.first().cloned();
            }
        }
        for (i, t) in turn.scan.tokens.iter().enumerate() {
            if t.norm == "speaking" && i > 0 {
                if let Some((parts, _)) = name_at(turn, i - 1).filter(|(_, n)| *n == i) {
                    return parts.first().cloned();
                }
            }
        }
    }
    None
}

/// How agents ask for the customer's name (their own "my name is" is not a request).
const NAME_REQUESTS: &[&str] = &[
    "your name", "full name", "the name", "name please", "holder's name", "first and last", "who am i speaking", "who do i have",
    "who's calling", "who is calling", "spell your", "name on",
];

/// The customer's name: what they say when asked or when they introduce themself, completed
/// with the surname the agent uses. Among several, an answer to a name request wins over an
/// introduction, a fuller name over a shorter one, and one the agent's "Ms. X" confirms over
/// others.
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
        let asked = turn.index > 0 && ctx.turns.get(turn.index - 1).is_some_and(|p| p.is_agent() && p.says_any(NAME_REQUESTS));
        for intro in [&["my", "name", "is"][..], &["my", "name's"], &["the", "name's"], &["name", "is"], &["this", "is"], &["i'm"], &["it's"]] {
            for start in after_phrase(turn, intro) {
                if let Some((parts, _)) = name_at(turn, start) {
                    let introduced = intro.len() >= 2 && intro != ["this", "is"];
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
    }
    let (_, mut parts) = best?;
    if parts.len() == 1 {
        if let Some(s) = surname.filter(|s| !parts.contains(s)) {
            parts.push(s);
        }
    }
    Some(parts.join(" "))
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

/// The first run of two or more name words in a reply ("Sure. It's Elena Marchetti.").
fn first_full_name(turn: &Turn) -> Option<Vec<String>> {
    let mut i = 0;
    let mut single = None;
    while i < turn.scan.tokens.len() {
        match name_at(turn, i) {
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
