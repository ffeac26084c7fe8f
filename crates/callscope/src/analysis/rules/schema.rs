//! Built-in extraction schemas (`data/schemas/*.json`): the offline analyzer's "prompts".
//! `fields.json` describes every known field (kind, cues, shape); `categories.json` lists the
//! fields of each domain/category pair.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::call::{ExtractionPrompt, FieldKind, FieldSpec};

use super::words::is_stopword;

/// How a text field's value is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// One canonical value from `options`.
    Options,
    /// Every option mentioned, as a list.
    OptionsList,
    /// Every option mentioned, joined with ", ".
    OptionsJoined,
    /// A titled person: "Dr. Patel".
    Person,
    /// A business name ending in one of `heads`.
    Organization,
    /// A product noun phrase.
    Product,
    /// A medication name.
    Medication,
    /// Strength and frequency of a medication.
    Dosage,
    /// "3-5 business days".
    Duration,
    /// The sentence that best matches the cues.
    Clause,
    /// A named plan with its speed.
    Plan,
    /// "08:00-12:00".
    TimeWindow,
    /// "Visa credit card", "direct deposit".
    PaymentMethod,
    /// A street address.
    Address,
    /// A phone number.
    Phone,
    /// Disputed card transactions.
    Transactions,
}

/// Which of several candidates wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// The best cue match.
    #[default]
    Nearest,
    /// The latest of the good matches (the final booking, the final status).
    Last,
    /// The earliest of the good matches.
    First,
    /// The most often said.
    Most,
}

/// Everything the analyzer knows about one field.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldDef {
    pub kind: FieldKind,
    pub description: String,
    #[serde(default)]
    pub cues: Vec<String>,
    #[serde(default)]
    pub shape: Option<Shape>,
    #[serde(default)]
    pub options: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub pick: Pick,
    #[serde(default)]
    pub absent: Option<serde_json::Value>,
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub heads: Vec<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub sentences: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
struct FieldsFile {
    fields: BTreeMap<String, FieldDef>,
}

#[derive(Debug, Default, Deserialize)]
struct CategoriesFile {
    schemas: BTreeMap<String, Vec<String>>,
}

fn lexicon() -> &'static FieldsFile {
    static DATA: OnceLock<FieldsFile> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../../data/schemas/fields.json")).unwrap_or_else(|e| {
            tracing::error!("built-in fields.json is invalid: {e}");
            FieldsFile::default()
        })
    })
}

fn categories() -> &'static CategoriesFile {
    static DATA: OnceLock<CategoriesFile> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../../data/schemas/categories.json")).unwrap_or_else(|e| {
            tracing::error!("built-in categories.json is invalid: {e}");
            CategoriesFile::default()
        })
    })
}

/// Every built-in field definition, by name.
pub fn known_fields() -> impl Iterator<Item = (&'static String, &'static FieldDef)> {
    lexicon().fields.iter()
}

/// The built-in field definition with this name, if any.
pub fn known_field(name: &str) -> Option<&'static FieldDef> {
    lexicon().fields.get(name)
}

/// The definition used to fill `spec`: the built-in one when the name is known (keeping the
/// spec's kind), otherwise one derived from the name and description.
pub fn field_def(spec: &FieldSpec) -> FieldDef {
    if let Some(def) = known_field(&spec.name) {
        let mut def = def.clone();
        if def.kind != spec.kind {
            def.kind = spec.kind;
            if spec.kind != FieldKind::Text {
                def.shape = None;
            }
        }
        return def;
    }
    derived_def(spec)
}

const GENERIC_NAME_WORDS: &[&str] = &["number", "id", "amount", "date", "time", "name", "type", "status", "count", "total", "value", "code", "flag"];

fn derived_def(spec: &FieldSpec) -> FieldDef {
    let name_words: Vec<&str> = spec.name.split('_').filter(|w| !w.is_empty()).collect();
    let mut cues: Vec<String> = Vec::new();
    if name_words.len() > 1 {
        cues.push(name_words.join(" "));
    }
    for w in &name_words {
        if !GENERIC_NAME_WORDS.contains(w) && !is_stopword(w) && !cues.iter().any(|c| c == w) {
            cues.push((*w).to_string());
        }
    }
    let shape = (spec.kind == FieldKind::Text).then(|| guess_shape(&spec.name));
    FieldDef {
        kind: spec.kind,
        description: spec.description.clone(),
        cues,
        shape,
        options: BTreeMap::new(),
        pick: Pick::Nearest,
        absent: None,
        speaker: None,
        role: name_words.iter().any(|w| matches!(*w, "dob" | "birth" | "birthday")).then(|| "birth".to_string()),
        heads: Vec::new(),
        detail: None,
        scope: None,
        sentences: None,
    }
}

fn guess_shape(name: &str) -> Shape {
    let has = |w: &str| name.split('_').any(|p| p == w);
    if has("phone") || has("fax") {
        Shape::Phone
    } else if has("address") {
        Shape::Address
    } else if has("window") {
        Shape::TimeWindow
    } else if has("plan") {
        Shape::Plan
    } else if has("doctor") || has("provider") || has("prescriber") || has("physician") {
        Shape::Person
    } else if has("pharmacy") || has("shop") || has("company") || has("merchant") || has("store") {
        Shape::Organization
    } else if has("item") || has("product") {
        Shape::Product
    } else {
        Shape::Clause
    }
}

/// The built-in schema for a pair, if there is one.
pub fn builtin_prompt(domain: &str, category: &str) -> Option<ExtractionPrompt> {
    let names = categories().schemas.get(&format!("{domain}/{category}"))?;
    let fields: Vec<FieldSpec> = names
        .iter()
        .filter_map(|n| known_field(n).map(|d| FieldSpec { name: n.clone(), kind: d.kind, description: d.description.clone() }))
        .collect();
    Some(prompt_from(domain, category, fields))
}

/// Build a prompt with instruction text from a list of fields.
pub fn prompt_from(domain: &str, category: &str, fields: Vec<FieldSpec>) -> ExtractionPrompt {
    let instructions = instructions(domain, category, &fields);
    ExtractionPrompt { domain: domain.to_string(), category: category.to_string(), fields, instructions }
}

/// How each kind of value must be written in an answer.
fn normalisation(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "short text in the caller's words",
        FieldKind::Identifier => "letters and digits only, no spaces or dashes, as finally confirmed (apply corrections such as \"not 26, 29\")",
        FieldKind::Date => "ISO date YYYY-MM-DD; use the call's year when none is said",
        FieldKind::Time => "24-hour HH:MM",
        FieldKind::Money => "a number of currency units, e.g. 412.6",
        FieldKind::Number => "a number",
        FieldKind::Boolean => "true or false",
        FieldKind::CardLastFour => "only the last four digits of the card, never the full number",
    }
}

/// Instruction text an LLM provider can send with the transcript.
pub fn instructions(domain: &str, category: &str, fields: &[FieldSpec]) -> String {
    let mut out = format!(
        "You analyse a {} call about {}. Read the transcript and return one JSON object with the keys below. \
         Use null when a value is not said. Numbers said as words must be written as digits; when the caller \
         corrects a value, use the corrected one; when an appointment or plan changes during the call, use the final one.\n\nFields:\n",
        domain.replace('_', " "),
        category.replace('_', " ")
    );
    for f in fields {
        out.push_str(&format!("- {} ({}): {}. Format: {}.\n", f.name, kind_label(f.kind), f.description, normalisation(f.kind)));
    }
    out
}

fn kind_label(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Identifier => "identifier",
        FieldKind::Date => "date",
        FieldKind::Time => "time",
        FieldKind::Money => "money",
        FieldKind::Number => "number",
        FieldKind::Boolean => "boolean",
        FieldKind::CardLastFour => "card last four",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_schema_field_is_defined() {
        assert!(!categories().schemas.is_empty());
        for (pair, names) in &categories().schemas {
            for n in names {
                assert!(known_field(n).is_some(), "{pair}: {n}");
            }
        }
    }

    #[test]
    fn unknown_field_names_become_cues() {
        let spec = FieldSpec { name: "refund_amount_total".into(), kind: FieldKind::Money, description: String::new() };
        let def = field_def(&FieldSpec { name: "loyalty_points_balance".into(), ..spec });
        assert!(def.cues.contains(&"loyalty".to_string()));
    }
}
