//! Call analysis through the public API: spoken-number parsing, redaction and the offline
//! analyzer measured against the scripted fixture calls' ground truth.
//!
//! Run with `cargo test -p callscope --test analysis -- --nocapture` to see the accuracy table.

#[path = "analysis/spoken.rs"]
mod spoken;

/// The scripted fixture calls as transcripts with synthetic timings, and their ground truth.
mod fixtures {
    use callscope::stt::{Segment, Speaker, Transcript};
    use serde_json::Value;

    /// One fixture call.
    pub struct Call {
        pub id: String,
        pub domain: String,
        pub category: String,
        pub transcript: Transcript,
        pub expected: Value,
    }

    /// All fixture calls, sorted by id.
    pub fn calls() -> Vec<Call> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/calls");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture directory exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|p| parse(&std::fs::read_to_string(p).expect("fixture readable"))).collect()
    }

    /// The text the way Whisper writes it: numbers as digits ("620-551-884", "4532 7718 0064
    /// 9134"), "$412.60", "December 12th, 1987", "3:30 p.m.", "PMT50381", "yuki.tanaka@gmail.com".
    pub fn whisper_text(text: &str) -> String {
        use callscope::analysis::spoken::{format_money, month_name, number_runs, ordinal_suffix, scan, tokenize, Clock, Value};
        fn clock(c: Clock) -> String {
            if !c.meridiem_known {
                return format!("{}:{:02}", c.hour, c.minute);
            }
            let hhmm = c.hhmm();
            let hour: u32 = hhmm[..2].parse().unwrap_or(0);
            let minute = &hhmm[3..];
            let (h12, meridiem) = match hour {
                0 => (12, "a.m."),
                1..=11 => (hour, "a.m."),
                12 => (12, "p.m."),
                _ => (hour - 12, "p.m."),
            };
            if minute == "00" { format!("{h12} {meridiem}") } else { format!("{h12}:{minute} {meridiem}") }
        }
        let scanned = scan(text);
        let mut out = String::new();
        let mut pos = 0;
        for m in &scanned.mentions {
            out.push_str(&text[pos..m.start]);
            let said = &text[m.start..m.end];
            let written = match &m.value {
                Value::Number { digits, digit_sequence: true, .. } => {
                    let groups: Vec<String> = number_runs(&tokenize(said)).into_iter().flat_map(|r| r.groups).collect();
                    let card = groups.len() == 4 && groups.iter().all(|g| g.len() == 4);
                    if groups.concat() == *digits { groups.join(if card { " " } else { "-" }) } else { digits.clone() }
                }
                Value::Number { .. } if !said.contains([' ', '-']) => said.to_string(),
                Value::Number { digits, .. } => digits.clone(),
                Value::Ordinal { value } => ordinal_suffix(*value),
                Value::Money { amount } => format!("${}", format_money(*amount)),
                Value::Date { date } => match date.year {
                    Some(y) => format!("{} {}, {y}", month_name(date.month), ordinal_suffix(date.day)),
                    None => format!("{} {}", month_name(date.month), ordinal_suffix(date.day)),
                },
                Value::Time { clock: c } => clock(*c),
                Value::TimeRange { from, to } => format!("{} and {}", clock(*from), clock(*to)),
                _ => m.written(2025),
            };
            out.push_str(&written);
            pos = m.end;
        }
        out.push_str(&text[pos..]);
        out
    }

    /// Build a transcript: each turn lasts 400 ms per word and starts after the previous
    /// turn's pause, minus its own overlap.
    pub fn parse(json: &str) -> Call {
        let v: Value = serde_json::from_str(json).expect("fixture is JSON");
        let mut segments = Vec::new();
        let mut clock: u64 = 0;
        let mut pause: u64 = 0;
        for turn in v["turns"].as_array().expect("turns") {
            let text = turn["text"].as_str().unwrap_or_default().to_string();
            let overlap = turn["overlaps_previous_ms"].as_u64().unwrap_or(0);
            let start = (clock + pause).saturating_sub(overlap);
            let end = start + 400 * text.split_whitespace().count() as u64;
            let speaker = if turn["speaker"] == "agent" { Speaker::Agent } else { Speaker::Customer };
            segments.push(Segment { start_ms: start, end_ms: end, speaker, text, confidence: 1.0 });
            clock = end;
            pause = turn["pause_after_ms"].as_u64().unwrap_or(0);
        }
        Call {
            id: v["id"].as_str().unwrap_or_default().to_string(),
            domain: v["domain"].as_str().unwrap_or_default().to_string(),
            category: v["category"].as_str().unwrap_or_default().to_string(),
            transcript: Transcript { segments, duration_ms: clock },
            expected: v["expected"].clone(),
        }
    }
}

mod detection {
    use callscope::call::DomainCatalog;
    use callscope::llm::offline::OfflineProvider;

    use super::fixtures;

    #[test]
    fn fixture_calls_are_detected_with_their_domain_and_category() {
        let provider = OfflineProvider::with_reference_year(2025);
        let calls = fixtures::calls();
        let mut right = 0;
        for call in &calls {
            let d = provider.detect_now(&call.transcript, &DomainCatalog::seed());
            let ok = d.domain == call.domain && d.category == call.category;
            right += usize::from(ok);
            println!("{:<8} {:<12} {:<24} → {:<12} {:<24} {:.2} {}", call.id, call.domain, call.category, d.domain, d.category, d.confidence, if ok { "" } else { "✗" });
        }
        let accuracy = right as f32 / calls.len() as f32;
        println!("domain+category accuracy {right}/{} = {accuracy:.2}", calls.len());
        assert!(accuracy >= 0.9, "domain+category accuracy {accuracy:.2} is below 0.90");
    }
}

/// The offline analyzer measured against the fixtures' ground truth.
#[path = "analysis/accuracy.rs"]
mod accuracy;

/// Builders for small hand-written transcripts.
#[path = "analysis/script.rs"]
mod script;

/// Transcripts the way Whisper writes them: digits, "$412.60", "Dr. Patel", "3:30 PM".
#[path = "analysis/whisper_style.rs"]
mod whisper_style;

/// Calls from domains and wordings the fixtures do not cover.
#[path = "analysis/unseen_calls.rs"]
mod unseen_calls;

/// Input the analyzer must survive.
mod robustness {
    use callscope::analysis::redact::redact_transcript;
    use callscope::call::DomainCatalog;
    use callscope::llm::offline::{builtin_prompt, OfflineProvider};
    use callscope::stt::Transcript;

    use super::script::transcript;

    fn run(t: &Transcript) {
        let provider = OfflineProvider::new();
        let d = provider.detect_now(t, &DomainCatalog::seed());
        let prompt = provider.generate_prompt_now(&d.domain, &d.category, t);
        let _ = provider.analyze_now(t, &prompt);
        if let Some(p) = builtin_prompt("insurance", "claim_inquiry") {
            let _ = provider.analyze_now(t, &p);
        }
        let _ = redact_transcript(t);
    }

    #[test]
    fn empty_tiny_emoji_and_huge_transcripts_do_not_panic() {
        run(&Transcript::default());
        run(&transcript(&[("c", "")]));
        run(&transcript(&[("c", "Hello")]));
        run(&transcript(&[("a", "🙂🙂 ¿Qué? — naïve café… “quotes” ‘x’ $ % @ # 4 5 - , . ??"), ("c", "İstanbul ǅ ß ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 five oh three 😀 dot com at")]));
        let long = "My card number is four five three two, seven seven one eight, zero zero six four, nine one three four and my policy is 620-551-884. ".repeat(400);
        run(&transcript(&[("a", "Can I have your card number?"), ("c", &long)]));
        let many: Vec<(&str, &str)> = (0..600).map(|i| if i % 2 == 0 { ("a", "How can I help? My name is Sam.") } else { ("c", "It's about my order number seven seven four one nine three two, I'm not happy.") }).collect();
        run(&transcript(&many));
    }

    #[test]
    fn an_empty_call_is_general_with_an_empty_analysis() {
        let provider = OfflineProvider::new();
        let t = Transcript::default();
        let d = provider.detect_now(&t, &DomainCatalog::seed());
        assert_eq!(d.domain, "general");
        let a = provider.analyze_now(&t, &provider.generate_prompt_now(&d.domain, &d.category, &t));
        assert!(a.fields.is_empty());
        assert!(a.general.agent_name.is_none() && a.general.customer_name.is_none());
    }
}

/// The comparison rules the accuracy figures rest on.
mod scoring {
    use callscope::analysis::score::{score_fields, values_match};
    use serde_json::json;

    #[test]
    fn values_compare_by_normalised_meaning() {
        assert!(values_match(&json!(412.60), &json!(412.6)));
        assert!(values_match(&json!("1-800-555-0199"), &json!("18005550199")));
        assert!(values_match(&json!("CL902331"), &json!("cl-902331")));
        assert!(values_match(&json!("denied (outside return window)"), &json!("denied")));
        assert!(values_match(&json!(["online portal", "fax"]), &json!(["fax", "online portal"])));
        assert!(!values_match(&json!("2025-12-12"), &json!("2025-12-11")));
        assert!(!values_match(&json!("71140829"), &json!("71140826")));
        assert!(!values_match(&json!("approved"), &json!("pending")));
        assert!(!values_match(&json!(false), &json!(true)));
    }

    #[test]
    fn fields_named_differently_match_by_synonym_or_value_and_nulls_count_as_wrong_guesses() {
        let expected = json!({"ticket_number": "TK1", "repair_estimate": 4180.0, "refund_amount": null});
        let predicted = [("case_number", json!("TK1")), ("estimate_amount", json!(4180.0)), ("refund_amount", json!(10.0))]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let s = score_fields(expected.as_object().expect("object"), &predicted);
        assert_eq!((s.true_positives, s.false_positives, s.false_negatives), (2, 1, 0));
    }
}

#[path = "analysis/metrics.rs"]
mod timing;

#[path = "analysis/pipeline.rs"]
mod pipeline;
