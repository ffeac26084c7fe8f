//! Field precision/recall/F1 where values matter more than key names: field names for new
//! domains are one person's choice, so an expected field is found when some predicted field
//! holds its value.
//!
//! Rules:
//! - Units: each expected key is one unit; an object value is split into one unit per leaf
//!   (`disputed_disbursement.payee`); a list is one unit. Predicted objects are split alike.
//! - Pairing, in three passes: (1) a predicted field with a similar name (equal, a synonym in
//!   `KEY_SYNONYMS`, or sharing a distinctive word: `priority_flag` ~ `priority`) and a matching
//!   value; (2) any predicted field with a matching value, when the value says something on its
//!   own (not a boolean, not a number below 10, text that matches strictly); (3) the predicted
//!   field with the most similar name, holding a wrong value.
//! - Values: see `values` (numbers within a cent, identifiers and dates normalised, text by
//!   content words, lists half each side).
//! - Counting: an expected non-null unit paired with a matching value is a true positive; one
//!   with no or a wrong prediction is a false negative; a wrong prediction, or a value where the
//!   truth is null, is a false positive. Predicted units left unpaired are `extra`: not counted
//!   in `precision` (the truth may simply not label them), counted in `precision_all_outputs`.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::values::{text_match_strictly, values_match};

/// Field names that mean the same thing.
pub const KEY_SYNONYMS: &[&[&str]] = &[
    &["ticket_number", "case_number", "reference_number", "incident_number"],
    &["patient_dob", "date_of_birth", "dob", "birth_date"],
    &["contact_phone", "phone_number", "callback_number", "notification_phone", "phone"],
    &["item", "product", "product_name"],
    &["provider", "doctor", "physician"],
    &["new_monthly_price", "new_price", "monthly_price"],
    &["service_credit", "credit_amount", "bill_credit"],
    &["fraud_case_number", "case_number", "dispute_number"],
    &["payment_amount", "amount_paid"],
    &["confirmation_number", "confirmation_code", "approval_number"],
];

/// Words of a field name that say what kind of value it is, not what it is about.
const GENERIC_KEY_WORDS: &[&str] = &[
    "number", "id", "code", "amount", "date", "time", "type", "status", "name", "value", "total", "count", "new", "current",
    "original", "old", "previous", "flag", "days", "minutes", "hours", "the", "of", "and", "to", "for", "is", "monthly",
];

/// Field-level counts, summable over calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldScore {
    /// Expected values predicted right.
    pub true_positives: usize,
    /// Wrong predictions, and values predicted where the truth is null.
    pub false_positives: usize,
    /// Expected values missed or predicted wrong.
    pub false_negatives: usize,
    /// (expected key, predicted key) pairs that matched in value.
    pub matched: Vec<(String, String)>,
    /// (key, expected, predicted) of wrong or missing values.
    pub errors: Vec<(String, Json, Json)>,
    /// Predicted keys the truth does not label (or whose value no expected field has).
    pub extra: Vec<String>,
}

impl FieldScore {
    /// Share of the predictions paired with an expected field that were right.
    pub fn precision(&self) -> f32 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// Share of every predicted value that is a right answer (unlabelled extras count as wrong).
    pub fn precision_all_outputs(&self) -> f32 {
        ratio(self.true_positives, self.true_positives + self.false_positives + self.extra.len())
    }

    /// Share of expected values that were found.
    pub fn recall(&self) -> f32 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f32 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Add another call's counts.
    pub fn add(&mut self, other: &FieldScore) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
        self.matched.extend(other.matched.iter().cloned());
        self.errors.extend(other.errors.iter().cloned());
        self.extra.extend(other.extra.iter().cloned());
    }
}

pub(super) fn ratio(a: usize, b: usize) -> f32 {
    if b == 0 {
        1.0
    } else {
        a as f32 / b as f32
    }
}

/// Objects split into one unit per leaf with dotted keys; everything else one unit.
fn units(fields: Vec<(String, Json)>) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for (key, value) in fields {
        match value {
            Json::Object(map) if !map.is_empty() => out.extend(units(map.into_iter().map(|(k, v)| (format!("{key}.{k}"), v)).collect())),
            other => out.push((key, other)),
        }
    }
    out
}

fn distinctive_words(key: &str) -> Vec<String> {
    key.split(['_', '.', ' ', '-'])
        .map(|w| w.to_lowercase())
        .filter(|w| !w.is_empty() && !GENERIC_KEY_WORDS.contains(&w.as_str()))
        .map(|w| w.strip_suffix('s').filter(|s| s.len() >= 3).map(str::to_string).unwrap_or(w))
        .collect()
}

/// 1 for the same or synonymous names, else the share of distinctive words the names share.
fn name_similarity(a: &str, b: &str) -> f32 {
    if a == b || KEY_SYNONYMS.iter().any(|g| g.contains(&a) && g.contains(&b)) {
        return 1.0;
    }
    let (wa, wb) = (distinctive_words(a), distinctive_words(b));
    let common = wa.iter().filter(|w| wb.contains(w)).count();
    let union = wa.len() + wb.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

/// Whether a value says enough on its own to be recognised without its field's name.
fn self_evident(expected: &Json, predicted: &Json) -> bool {
    match expected {
        Json::Bool(_) | Json::Null => false,
        Json::Number(n) => n.as_f64().is_some_and(|x| x.abs() >= 10.0 || x.fract() != 0.0),
        Json::String(e) => match predicted {
            Json::String(p) if e.contains(' ') => text_match_strictly(e, p),
            _ => super::values::compact(e).len() >= 3,
        },
        Json::Array(a) => !a.is_empty(),
        Json::Object(_) => true,
    }
}

/// Score predicted fields against expected ones (see the module rules).
pub fn score_fields(expected: &serde_json::Map<String, Json>, predicted: &BTreeMap<String, Json>) -> FieldScore {
    let expected = units(expected.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let predicted: Vec<(String, Json)> = units(predicted.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).into_iter().filter(|(_, v)| !v.is_null()).collect();
    let mut paired: Vec<Option<usize>> = vec![None; expected.len()];
    let mut used = vec![false; predicted.len()];
    let mut pass = |paired: &mut Vec<Option<usize>>, accept: &dyn Fn(&str, &Json, &str, &Json) -> Option<f32>| {
        for (e, (ek, ev)) in expected.iter().enumerate() {
            if paired[e].is_some() {
                continue;
            }
            let best = predicted
                .iter()
                .enumerate()
                .filter(|(p, _)| !used[*p])
                .filter_map(|(p, (pk, pv))| accept(ek, ev, pk, pv).map(|s| (p, s)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((p, _)) = best {
                used[p] = true;
                paired[e] = Some(p);
            }
        }
    };
    pass(&mut paired, &|ek, ev, pk, pv| {
        let s = name_similarity(ek, pk);
        (!ev.is_null() && s > 0.0 && values_match(ev, pv)).then_some(s)
    });
    pass(&mut paired, &|ek, ev, pk, pv| (!ev.is_null() && self_evident(ev, pv) && values_match(ev, pv)).then(|| name_similarity(ek, pk)));
    pass(&mut paired, &|ek, _, pk, _| {
        let s = name_similarity(ek, pk);
        (s >= 0.5).then_some(s)
    });

    let mut s = FieldScore::default();
    for ((key, truth), p) in expected.iter().zip(&paired) {
        let guess = p.map(|p| &predicted[p]);
        match (truth.is_null(), guess) {
            (true, None) => {}
            (true, Some((_, g))) => {
                s.false_positives += 1;
                s.errors.push((key.clone(), Json::Null, g.clone()));
            }
            (false, None) => {
                s.false_negatives += 1;
                s.errors.push((key.clone(), truth.clone(), Json::Null));
            }
            (false, Some((pk, g))) if values_match(truth, g) => {
                s.true_positives += 1;
                s.matched.push((key.clone(), pk.clone()));
            }
            (false, Some((_, g))) => {
                s.false_positives += 1;
                s.false_negatives += 1;
                s.errors.push((key.clone(), truth.clone(), g.clone()));
            }
        }
    }
    s.extra = predicted.iter().zip(&used).filter(|(_, u)| !**u).map(|((k, _), _)| k.clone()).collect();
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn score(expected: Json, predicted: Json) -> (usize, usize, usize, usize) {
        let p: BTreeMap<String, Json> = predicted.as_object().cloned().unwrap_or_default().into_iter().collect();
        let s = score_fields(expected.as_object().expect("object"), &p);
        (s.true_positives, s.false_positives, s.false_negatives, s.extra.len())
    }

    #[test]
    fn a_value_under_another_name_is_found_but_a_bare_boolean_or_small_number_is_not() {
        assert_eq!(score(json!({"file_reference": "PWMAW12885"}), json!({"reference_number": "PWMAW12885"})), (1, 0, 0, 0));
        assert_eq!(score(json!({"priority_flag": true}), json!({"autopay": true})), (0, 0, 1, 1));
        assert_eq!(score(json!({"priority_flag": true}), json!({"priority": true})), (1, 0, 0, 0));
        assert_eq!(score(json!({"line_count": 2}), json!({"refills": 2})), (0, 0, 1, 1));
    }

    #[test]
    fn the_right_value_elsewhere_beats_a_same_named_field_with_a_wrong_one() {
        let expected = json!({"new_payment": 2106.0, "current_payment": 1842.0});
        let predicted = json!({"new_payment": 1842.0, "payment_amount": 2106.0});
        assert_eq!(score(expected, predicted), (2, 0, 0, 0));
    }

    #[test]
    fn an_object_counts_each_of_its_values() {
        let expected = json!({"disbursement": {"payee": "Cardinal Mutual", "amount": 2460.0, "month": "March"}});
        let predicted = json!({"insurer": "Cardinal Mutual", "disbursement_amount": 2460.0});
        assert_eq!(score(expected, predicted), (2, 0, 1, 0));
    }
}
