//! What tokens cost: a price table per model that ships as data (`data/prices.json`), with the
//! user's overrides from the `prices` setting on top, and the cost of a call's token usage.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TokenUsage;

/// The table that ships with Callscope.
const BUILTIN: &str = include_str!("../../data/prices.json");

/// A model's price, in US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelPrice {
    pub input: f64,
    pub output: f64,
}

impl ModelPrice {
    /// The cost of `usage` at this price, in US dollars.
    pub fn cost(&self, usage: TokenUsage) -> f64 {
        (usage.input as f64 * self.input + usage.output as f64 * self.output) / 1_000_000.0
    }
}

/// Prices by model name.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    models: BTreeMap<String, ModelPrice>,
}

#[derive(Deserialize)]
struct PriceFile {
    models: BTreeMap<String, ModelPrice>,
}

impl PriceTable {
    /// The shipped table.
    pub fn builtin() -> PriceTable {
        // The file is part of the build and checked by a test, so it always parses.
        let models = serde_json::from_str::<PriceFile>(BUILTIN).map(|f| f.models).unwrap_or_default();
        PriceTable { models }
    }

    /// The shipped table with `overrides` (the `prices` setting) on top.
    pub fn with_overrides(overrides: &str) -> Result<PriceTable, String> {
        let mut table = PriceTable::builtin();
        table.models.extend(parse_overrides(overrides)?);
        Ok(table)
    }

    /// The price of `model`: its own entry, else that of the longest listed name it extends
    /// (`gemini-2.5-flash-preview-09-2025` is priced as `gemini-2.5-flash`). `None` for models
    /// the table does not know (a local server's), which cost nothing.
    pub fn price(&self, model: &str) -> Option<ModelPrice> {
        let model = model.trim().trim_start_matches("models/").to_lowercase();
        if let Some(price) = self.models.get(&model) {
            return Some(*price);
        }
        self.models
            .iter()
            .filter(|(name, _)| model.strip_prefix(name.as_str()).is_some_and(|rest| rest.starts_with(['-', '@', ':'])))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, price)| *price)
    }

    /// Every model with its price, by name.
    pub fn models(&self) -> &BTreeMap<String, ModelPrice> {
        &self.models
    }
}

/// `MODEL=INPUT/OUTPUT` entries (US dollars per million tokens) separated by `;` or new lines,
/// e.g. `gemini-2.5-flash=0.30/2.50; llama3.1=0/0`. Blank text is no override.
pub fn parse_overrides(text: &str) -> Result<BTreeMap<String, ModelPrice>, String> {
    let mut out = BTreeMap::new();
    for entry in text.split([';', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        let wrong = || format!("{entry:?} is not MODEL=INPUT/OUTPUT in US dollars per million tokens, e.g. gemini-2.5-flash=0.30/2.50");
        let (model, price) = entry.split_once('=').ok_or_else(wrong)?;
        let (input, output) = price.split_once('/').ok_or_else(wrong)?;
        let number = |t: &str| t.trim().trim_start_matches('$').parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        let (Some(input), Some(output)) = (number(input), number(output)) else {
            return Err(wrong());
        };
        let model = model.trim().to_lowercase();
        if model.is_empty() {
            return Err(wrong());
        }
        out.insert(model, ModelPrice { input, output });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_prices_the_default_models() {
        let parsed: PriceFile = serde_json::from_str(BUILTIN).expect("data/prices.json is valid");
        assert!(parsed.models.len() >= 10);
        let table = PriceTable::builtin();
        assert!(table.price("gemini-2.5-flash").is_some_and(|p| p.input > 0.0 && p.output > p.input));
        assert!(table.price("gpt-4o-mini").is_some());
        assert_eq!(table.price("offline-rules-1").map(|p| p.cost(TokenUsage { input: 1_000, output: 1_000 })), Some(0.0));
    }

    #[test]
    fn a_dated_or_preview_model_takes_the_price_of_the_model_it_extends() {
        let table = PriceTable::builtin();
        assert_eq!(table.price("gemini-2.5-flash-preview-09-2025"), table.price("gemini-2.5-flash"));
        assert_eq!(table.price("models/gpt-4o-mini-2024-07-18"), table.price("gpt-4o-mini"));
        assert_ne!(table.price("gemini-2.5-flash-lite"), table.price("gemini-2.5-flash"));
        assert_eq!(table.price("llama3.1:8b"), None);
        assert_eq!(table.price("gpt-4oo"), None, "a name is extended at a separator, not inside a word");
    }

    #[test]
    fn overrides_replace_and_add_prices_and_bad_ones_say_what_is_wanted() {
        let table = PriceTable::with_overrides("gemini-2.5-flash=1/4;\n llama3.1 = $0.05/0.10").expect("valid");
        assert_eq!(table.price("gemini-2.5-flash"), Some(ModelPrice { input: 1.0, output: 4.0 }));
        let llama = table.price("llama3.1").expect("added");
        assert!((llama.cost(TokenUsage { input: 2_000_000, output: 1_000_000 }) - 0.2).abs() < 1e-9);
        for bad in ["gpt-4o", "gpt-4o=1", "=1/2", "gpt-4o=-1/2", "gpt-4o=a/b"] {
            let err = PriceTable::with_overrides(bad).expect_err(bad);
            assert!(err.contains("MODEL=INPUT/OUTPUT"), "{err}");
        }
        assert_eq!(PriceTable::with_overrides("  ").expect("blank"), PriceTable::builtin());
    }
}
