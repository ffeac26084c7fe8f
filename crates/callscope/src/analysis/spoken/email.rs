//! E-mail addresses, written ("yuki.tanaka@gmail.com") or spoken ("yuki dot tanaka at gmail
//! dot com", "raj underscore iyer at outlook dot co dot uk").

use super::mention::Value;
use super::scan::Scanner;
use super::token::TokenKind;

/// Endings that make "… at something dot X" an address rather than a sentence.
const TOP_LEVEL: &[&str] = &[
    "com", "net", "org", "edu", "gov", "io", "co", "us", "uk", "ca", "au", "de", "fr", "es", "it", "nl", "in", "info",
    "biz", "me", "ai", "app", "dev", "mil", "ie", "nz", "jp", "br", "mx", "ch", "se", "no", "dk", "fi", "be", "at", "pl",
];

pub(super) fn recognise(s: &mut Scanner) {
    for i in 0..s.tokens.len() {
        if s.tokens[i].kind == TokenKind::Email {
            let address = s.tokens[i].norm.trim_end_matches('.').to_string();
            s.push(Value::Email { address }, i, i);
        }
    }
    for at in 0..s.tokens.len() {
        if s.word(at) == "at" {
            spoken_at(s, at);
        }
    }
}

/// A connector between address parts: "dot", a glued ".", "underscore", "dash".
fn connector(s: &Scanner, i: usize) -> Option<&'static str> {
    let t = s.tokens.get(i)?;
    match t.norm.as_str() {
        "dot" | "period" => Some("."),
        // A written dot joins both neighbours; a sentence-final period does not.
        "." if t.joined && s.tokens.get(i + 1).is_some_and(|n| n.joined) => Some("."),
        "underscore" => Some("_"),
        "dash" | "hyphen" => Some("-"),
        _ => None,
    }
}

fn part(s: &Scanner, i: usize) -> Option<String> {
    let t = s.tokens.get(i)?;
    match t.kind {
        TokenKind::Word | TokenKind::Number | TokenKind::Alnum if s.free(i, i) => Some(t.norm.replace('\'', "")),
        _ => None,
    }
}

fn spoken_at(s: &mut Scanner, at: usize) {
    let mut domain = Vec::new();
    let mut k = at + 1;
    let Some(first) = part(s, k) else { return };
    domain.push(first);
    while let Some(sep) = connector(s, k + 1) {
        if sep != "." && sep != "-" {
            break;
        }
        let Some(p) = part(s, k + 2) else { break };
        domain.push(format!("{sep}{p}"));
        k += 2;
    }
    let last_label = domain.last().map(|p| p.trim_start_matches(['.', '-']).to_string()).unwrap_or_default();
    if domain.len() < 2 || !TOP_LEVEL.contains(&last_label.as_str()) {
        return;
    }
    let Some(mut start) = at.checked_sub(1) else { return };
    let Some(mut local) = part(s, start) else { return };
    while start >= 2 {
        let (Some(sep), Some(p)) = (connector(s, start - 1), part(s, start - 2)) else { break };
        local = format!("{p}{sep}{local}");
        start -= 2;
    }
    let address = format!("{local}@{}", domain.concat());
    s.push(Value::Email { address }, start, k);
}
