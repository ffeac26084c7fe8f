use callscope::analysis::redact::redact_with_year;
use callscope::analysis::score::{score_call, CallScore, FieldScore, PiiScore};
use callscope::call::DomainCatalog;
use callscope::llm::offline::OfflineProvider;

use super::fixtures::{self, Call};

/// The fixtures were scripted in 2025; their dates are labelled with that year.
const FIXTURE_YEAR: i32 = 2025;

struct Evaluated {
    call: Call,
    detected: (String, String),
    score: CallScore,
}

/// Detect, prompt, analyse and redact every fixture call the way the pipeline would.
fn evaluate() -> Vec<Evaluated> {
    let provider = OfflineProvider::with_reference_year(FIXTURE_YEAR);
    fixtures::calls()
        .into_iter()
        .map(|call| {
            let d = provider.detect_now(&call.transcript, &DomainCatalog::seed());
            let prompt = provider.generate_prompt_now(&d.domain, &d.category, &call.transcript);
            let analysis = provider.analyze_now(&call.transcript, &prompt);
            let redacted = redact_with_year(&call.transcript, FIXTURE_YEAR);
            let score = score_call(&call.expected, &analysis, &redacted);
            Evaluated { call, detected: (d.domain, d.category), score }
        })
        .collect()
}

fn share(hits: usize, n: usize) -> f32 {
    if n == 0 { 1.0 } else { hits as f32 / n as f32 }
}

#[test]
fn accuracy_table_over_the_fixture_calls_meets_the_targets() {
    let results = evaluate();
    let n = results.len();
    let (mut fields, mut pii) = (FieldScore::default(), PiiScore::default());
    let mut counts = [0_usize; 6];
    let (mut keywords, mut keyword_total) = (0, 0);
    println!("{:<8} {:<40} {:>8} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5}", "call", "detected", "fields", "pii", "agent", "cust", "sent", "trend", "res");
    for r in &results {
        let s = &r.score;
        let detected_ok = r.detected == (r.call.domain.clone(), r.call.category.clone());
        let flags = [detected_ok, s.agent_name, s.customer_name, s.sentiment, s.trend, s.resolution];
        for (c, f) in counts.iter_mut().zip(flags) {
            *c += usize::from(f);
        }
        let mark = |b: bool| if b { "ok" } else { "✗" };
        println!(
            "{:<8} {:<40} {:>3}/{:<4} {:>2}/{:<3} {:>5} {:>5} {:>5} {:>5} {:>5}",
            r.call.id,
            format!("{}/{} {}", r.detected.0, r.detected.1, mark(detected_ok)),
            s.fields.true_positives,
            s.fields.true_positives + s.fields.false_negatives,
            s.pii.found,
            s.pii.expected,
            mark(s.agent_name),
            mark(s.customer_name),
            mark(s.sentiment),
            mark(s.trend),
            mark(s.resolution)
        );
        for (key, want, got) in &s.fields.errors {
            println!("           field {key}: expected {want}, got {got}");
        }
        fields.add(&s.fields);
        pii.add(&s.pii);
        keywords += s.summary_keywords.0;
        keyword_total += s.summary_keywords.1;
    }
    let [detected, agents, customers, sentiment, trend, resolution] = counts.map(|c| share(c, n));
    println!("domain+category {detected:.2} | fields P {:.2} R {:.2} F1 {:.2} | PII recall {:.2} ({}/{})", fields.precision(), fields.recall(), fields.f1(), pii.recall(), pii.found, pii.expected);
    println!("agent names {agents:.2} | customer names {customers:.2} | sentiment {sentiment:.2} | trend {trend:.2} | resolution {resolution:.2} | summary keywords {keywords}/{keyword_total}");
    assert!(detected >= 0.9, "domain+category accuracy {detected:.2} < 0.90");
    assert!(fields.f1() >= 0.85, "field F1 {:.2} < 0.85", fields.f1());
    assert_eq!(pii.found, pii.expected, "PII missed: {:?}", pii.missed);
    assert!(agents >= 0.9 && customers >= 0.9, "names: agents {agents:.2}, customers {customers:.2}");
}

#[test]
fn every_expected_pii_item_is_redacted() {
    let missed: Vec<_> = evaluate().into_iter().flat_map(|r| r.score.pii.missed.into_iter().map(move |m| (r.call.id.clone(), m))).collect();
    assert!(missed.is_empty(), "{missed:?}");
}

#[test]
fn the_fixtures_written_the_way_whisper_writes_numbers_meet_the_same_targets() {
    let provider = OfflineProvider::with_reference_year(FIXTURE_YEAR);
    let (mut fields, mut pii, mut detected, mut names) = (FieldScore::default(), PiiScore::default(), 0, 0);
    let calls = fixtures::calls();
    for call in &calls {
        let mut t = call.transcript.clone();
        for s in &mut t.segments {
            s.text = fixtures::whisper_text(&s.text);
        }
        let d = provider.detect_now(&t, &DomainCatalog::seed());
        detected += usize::from(d.domain == call.domain && d.category == call.category);
        let analysis = provider.analyze_now(&t, &provider.generate_prompt_now(&d.domain, &d.category, &t));
        let score = score_call(&call.expected, &analysis, &redact_with_year(&t, FIXTURE_YEAR));
        for (key, want, got) in &score.fields.errors {
            println!("{} {key}: expected {want}, got {got}", call.id);
        }
        names += usize::from(score.agent_name) + usize::from(score.customer_name);
        fields.add(&score.fields);
        pii.add(&score.pii);
    }
    println!("Whisper-style text: domain+category {detected}/{} | fields P {:.2} R {:.2} F1 {:.2} | PII {}/{} | names {names}/{}", calls.len(), fields.precision(), fields.recall(), fields.f1(), pii.found, pii.expected, 2 * calls.len());
    assert!(detected * 10 >= calls.len() * 9);
    assert!(fields.f1() >= 0.85, "F1 {:.2}", fields.f1());
    assert_eq!(pii.found, pii.expected, "{:?}", pii.missed);
}

#[test]
fn a_mono_recording_without_speaker_labels_still_yields_most_fields_and_all_pii() {
    let provider = OfflineProvider::with_reference_year(FIXTURE_YEAR);
    let (mut fields, mut pii, mut detected) = (FieldScore::default(), PiiScore::default(), 0);
    let calls = fixtures::calls();
    for call in &calls {
        let mut t = call.transcript.clone();
        for s in &mut t.segments {
            s.speaker = callscope::stt::Speaker::Unknown;
        }
        let d = provider.detect_now(&t, &DomainCatalog::seed());
        detected += usize::from(d.domain == call.domain && d.category == call.category);
        let analysis = provider.analyze_now(&t, &provider.generate_prompt_now(&call.domain, &call.category, &t));
        let score = score_call(&call.expected, &analysis, &redact_with_year(&t, FIXTURE_YEAR));
        fields.add(&score.fields);
        pii.add(&score.pii);
    }
    println!("unlabelled speakers: domain+category {detected}/{} | fields P {:.2} R {:.2} F1 {:.2} | PII {}/{}", calls.len(), fields.precision(), fields.recall(), fields.f1(), pii.found, pii.expected);
    assert!(fields.f1() >= 0.75, "F1 {:.2}", fields.f1());
    assert_eq!(pii.found, pii.expected, "{:?}", pii.missed);
}

#[test]
fn generated_schemas_for_unknown_pairs_still_find_the_spoken_values() {
    // Treat every fixture pair as new: the schema comes from the transcript alone.
    let provider = OfflineProvider::with_reference_year(FIXTURE_YEAR);
    let mut total = FieldScore::default();
    for call in fixtures::calls() {
        let prompt = provider.generate_prompt_now("unlisted_domain", "unlisted_category", &call.transcript);
        let analysis = provider.analyze_now(&call.transcript, &prompt);
        let fields = call.expected["fields"].as_object().cloned().unwrap_or_default();
        total.add(&callscope::analysis::score::score_fields(&fields, &analysis.fields));
    }
    println!("generated schemas: P {:.2} R {:.2} F1 {:.2}", total.precision(), total.recall(), total.f1());
    assert!(total.precision() >= 0.8 && total.recall() >= 0.3, "P {:.2} R {:.2}", total.precision(), total.recall());
}
