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
    for i in 0..s.tokens.len() {
        glued_provider(s, i);
    }
}

/// Mail providers whose name, glued to what came before, still marks an address a
/// recogniser mangled ("YucatakaRatGmail.com", "large.iratoutlook.com": "at" heard as part
/// of the word, the "@" lost).
const PROVIDERS: &[&str] = &["gmail", "googlemail", "outlook", "hotmail", "yahoo", "icloud", "aol", "protonmail", "proton", "live", "msn", "comcast", "verizon", "att", "mail", "gmx", "zoho"];

fn glued_provider(s: &mut Scanner, i: usize) {
    let Some(t) = s.tokens.get(i) else { return };
    if t.kind != TokenKind::Word || !s.free(i, i) {
        return;
    }
    let word = t.norm.clone();
    let Some(provider) = PROVIDERS.iter().filter(|p| word.len() > p.len() + 1 && word.ends_with(*p)).max_by_key(|p| p.len()) else { return };
    // ".com" glued right after the word.
    let dot_after = connector(s, i + 1) == Some(".") && s.tokens.get(i + 1).is_some_and(|d| d.joined);
    let Some(tld) = dot_after.then(|| part(s, i + 2)).flatten().filter(|p| TOP_LEVEL.contains(&p.as_str())) else { return };
    let mut prefix = &word[..word.len() - provider.len()];
    if prefix.len() > 2 && prefix.ends_with("at") {
        prefix = &prefix[..prefix.len() - 2];
    }
    let mut local = prefix.to_string();
    let mut start = i;
    while start >= 2 && s.tokens[start].joined {
        let (Some(sep), Some(p)) = (connector(s, start - 1), part(s, start - 2)) else { break };
        local = format!("{p}{sep}{local}");
        start -= 2;
    }
    let address = format!("{local}@{provider}.{tld}");
    s.push(Value::Email { address }, start, i + 2);
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
