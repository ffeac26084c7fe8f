//! Fill an extraction prompt's fields from the call. Typed fields (ids, dates, times, money,
//! numbers, card last-four) compete for the spoken values: when two fields want the same
//! value, the one whose cues point at it more strongly keeps it and the other takes its next
//! best. Text fields are found by their shape.

mod choice;
mod cues;
mod deals;
mod entities;
mod phrases;
mod typed;

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use crate::call::{ExtractionPrompt, FieldKind};

use super::context::CallContext;
use super::schema::{field_def, FieldDef, Shape};

pub use cues::{score as cue_score, Cues, Place};
pub use typed::is_card_number;


/// Field name → normalised value, for the fields that were found.
pub fn extract(ctx: &CallContext, prompt: &ExtractionPrompt) -> BTreeMap<String, Json> {
    let mut out = BTreeMap::new();
    let defs: Vec<(String, FieldDef)> = prompt.fields.iter().map(|f| (f.name.clone(), field_def(f))).collect();
    let typed_fields: Vec<&(String, FieldDef)> = defs.iter().filter(|(_, d)| is_typed(d.kind)).collect();
    for (name, value) in assign_typed(ctx, &typed_fields) {
        out.insert(name, value);
    }
    plan_prices(ctx, &defs, &mut out);
    for (name, def) in &defs {
        if is_typed(def.kind) {
            if !out.contains_key(name) {
                if let Some(v) = fallback(ctx, def) {
                    out.insert(name.clone(), v);
                }
            }
            continue;
        }
        let c = cues::Cues::new(&def.cues);
        let value = match def.kind {
            FieldKind::Boolean => choice::boolean(ctx, def, &c),
            _ => text(ctx, def, &c),
        };
        if let Some(v) = value.filter(|v| !v.is_null()) {
            out.insert(name.clone(), v);
        }
    }
    out
}

fn is_typed(kind: FieldKind) -> bool {
    matches!(kind, FieldKind::Identifier | FieldKind::Date | FieldKind::Time | FieldKind::Money | FieldKind::Number | FieldKind::CardLastFour)
}

fn text(ctx: &CallContext, def: &FieldDef, c: &cues::Cues) -> Option<Json> {
    let shape = def.shape.unwrap_or(if def.options.is_empty() { Shape::Clause } else { Shape::Options });
    match shape {
        Shape::Options | Shape::OptionsList | Shape::OptionsJoined => choice::options(ctx, def, c),
        Shape::Person => entities::person(ctx, def, c),
        Shape::Organization => entities::organization(ctx, def, c),
        Shape::Product => entities::product(ctx, def, c),
        Shape::Medication => entities::medication(ctx),
        Shape::Address => entities::address(ctx, def, c),
        Shape::Phone => entities::phone(ctx, def, c),
        Shape::TimeWindow => entities::time_window(ctx, def, c),
        Shape::Dosage => phrases::dosage(ctx),
        Shape::Duration => phrases::duration(ctx, c),
        Shape::PaymentMethod => phrases::payment_method(ctx),
        Shape::Clause => phrases::clause(ctx, def, c),
        Shape::Plan => deals::plan(ctx, def, c),
        Shape::Transactions => deals::transactions(ctx, c),
    }
}

/// "new_monthly_price" left empty while "new_plan" is known: the price said with that plan.
fn plan_prices(ctx: &CallContext, defs: &[(String, FieldDef)], out: &mut BTreeMap<String, Json>) {
    let plans: Vec<(&String, &FieldDef)> = defs.iter().filter(|(_, d)| d.shape == Some(Shape::Plan)).map(|(n, d)| (n, d)).collect();
    for (name, def) in defs {
        if def.kind != FieldKind::Money || out.contains_key(name) || !name.contains("price") {
            continue;
        }
        let prefix = name.split('_').next().unwrap_or_default();
        let Some((plan_name, plan_def)) = plans.iter().find(|(n, _)| n.split('_').next() == Some(prefix)) else { continue };
        let plan = out.get(*plan_name).cloned().or_else(|| deals::plan(ctx, plan_def, &cues::Cues::new(&plan_def.cues)));
        if let Some(price) = plan.as_ref().and_then(Json::as_str).and_then(|p| deals::plan_price(ctx, p)) {
            out.insert(name.clone(), price);
        }
    }
}

/// Values for typed fields that no spoken value filled: "no late fee" is 0.
fn fallback(ctx: &CallContext, def: &FieldDef) -> Option<Json> {
    if def.kind == FieldKind::Money && typed::said_to_be_zero(ctx, &cues::Cues::new(&def.cues)) {
        return Some(json!(0.0));
    }
    def.absent.clone().filter(|v| !v.is_null())
}

/// Give each typed field its best value, resolving fields that want the same spoken value.
fn assign_typed(ctx: &CallContext, fields: &[&(String, FieldDef)]) -> Vec<(String, Json)> {
    let all: Vec<Vec<typed::Candidate>> = fields.iter().map(|(_, d)| typed::candidates(ctx, d, &cues::Cues::new(&d.cues))).collect();
    let mut taken: Vec<Vec<(usize, usize)>> = vec![Vec::new(); fields.len()];
    let mut chosen: Vec<Option<&typed::Candidate>> = vec![None; fields.len()];
    for _round in 0..fields.len().max(1) * 2 {
        for (i, (_, d)) in fields.iter().enumerate() {
            chosen[i] = typed::choose(&all[i], d.pick, &taken[i]);
        }
        let mut changed = false;
        for i in 0..fields.len() {
            for j in i + 1..fields.len() {
                let (Some(a), Some(b)) = (chosen[i], chosen[j]) else { continue };
                if a.id != b.id {
                    continue;
                }
                let loser = if a.score >= b.score { j } else { i };
                taken[loser].push(a.id);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = Vec::new();
    for (i, (name, def)) in fields.iter().enumerate() {
        let Some(c) = chosen[i] else { continue };
        let value = match def.kind {
            FieldKind::Identifier => typed::refine(ctx, c),
            FieldKind::CardLastFour => {
                let full = typed::refine(ctx, c);
                let digits = full.as_str().unwrap_or_default();
                json!(digits.get(digits.len().saturating_sub(4)..).unwrap_or_default())
            }
            _ => c.value.clone(),
        };
        out.push((name.clone(), value));
    }
    out
}
