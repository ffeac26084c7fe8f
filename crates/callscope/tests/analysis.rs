//! Call analysis through the public API: spoken-number parsing, redaction and the offline
//! analyzer measured against the scripted fixture calls' ground truth.
//!
//! Run with `cargo test -p callscope --test analysis -- --nocapture` to see the accuracy table.

mod spoken {
    use callscope::analysis::spoken::{
        parse_date, parse_digits, parse_email, parse_identifier, parse_money, parse_number, parse_phone, parse_time,
        written,
    };

    #[test]
    fn cardinal_money_with_cents_reads_as_one_amount() {
        assert_eq!(parse_money("four hundred and twelve dollars and sixty cents"), Some(412.6));
        assert_eq!(parse_money("the payment is three thousand six hundred and eighty dollars"), Some(3680.0));
        assert_eq!(parse_money("your five hundred dollar deductible"), Some(500.0));
        assert_eq!(parse_money("four dollars and seventy-five cents"), Some(4.75));
        assert_eq!(parse_money("it was nineteen ninety-nine dollars"), Some(19.99));
        assert_eq!(parse_money("seventy-five cents"), Some(0.75));
    }

    #[test]
    fn written_money_from_whisper_reads_the_same() {
        assert_eq!(parse_money("your premium of $412.60 was due"), Some(412.6));
        assert_eq!(parse_money("the payment will be $3,680."), Some(3680.0));
        assert_eq!(parse_money("a credit of $15 to your bill"), Some(15.0));
        assert_eq!(parse_money("about $1.2 million"), Some(1_200_000.0));
        assert_eq!(parse_money("that's 89.99 dollars"), Some(89.99));
    }

    #[test]
    fn years_said_in_pairs_or_as_cardinals_become_four_digits() {
        assert_eq!(parse_date("March third, nineteen eighty-seven", 2025).as_deref(), Some("1987-03-03"));
        assert_eq!(parse_date("December fifteenth, twenty twenty-five", 2020).as_deref(), Some("2025-12-15"));
        assert_eq!(parse_date("the first of June two thousand twenty five", 2020).as_deref(), Some("2025-06-01"));
        assert_eq!(parse_date("August seventeenth, nineteen ninety-two", 2025).as_deref(), Some("1992-08-17"));
        assert_eq!(parse_date("February the fourteenth, nineteen forty-one", 2025).as_deref(), Some("1941-02-14"));
    }

    #[test]
    fn dates_without_a_year_take_the_default_year() {
        assert_eq!(parse_date("on Tuesday, December ninth, at eight", 2025).as_deref(), Some("2025-12-09"));
        assert_eq!(parse_date("the fifteenth of December", 2025).as_deref(), Some("2025-12-15"));
        assert_eq!(parse_date("rear-ended me on September twenty-eighth.", 2025).as_deref(), Some("2025-09-28"));
        assert_eq!(parse_date("due on 12/15", 2025).as_deref(), Some("2025-12-15"));
        assert_eq!(parse_date("Whisper writes December 15th, 2025.", 2020).as_deref(), Some("2025-12-15"));
        assert_eq!(parse_date("logged 2025-10-03 at noon", 2020).as_deref(), Some("2025-10-03"));
        assert_eq!(parse_date("May I have your name?", 2025), None);
    }

    #[test]
    fn digit_groups_join_and_the_last_correction_wins() {
        assert_eq!(parse_digits("six two zero, five five one, eight eight four").as_deref(), Some("620551884"));
        assert_eq!(parse_digits("five oh three double five").as_deref(), Some("50355"));
        assert_eq!(
            parse_digits("It's seven one one, four zero eight, two six. No wait, sorry, it ends in two nine, not two six.").as_deref(),
            Some("71140829")
        );
        assert_eq!(
            parse_digits("one two three four five seven, sorry, that's four five six, not four five seven").as_deref(),
            Some("123456")
        );
        assert_eq!(parse_digits("Sure, it's 620-551-884.").as_deref(), Some("620551884"));
    }

    #[test]
    fn spelled_identifiers_join_letters_and_digits() {
        assert_eq!(parse_identifier("P M T five oh three eight one").as_deref(), Some("PMT50381"));
        assert_eq!(parse_identifier("Your confirmation number is P, M, T, five zero three eight one.").as_deref(), Some("PMT50381"));
        assert_eq!(parse_identifier("claim number C L dash nine zero two, three three one").as_deref(), Some("CL902331"));
        assert_eq!(parse_identifier("It's B as in boy, E, N, two zero two five, four four eight one.").as_deref(), Some("BEN20254481"));
        assert_eq!(parse_identifier("Whisper: your claim is CL-902331.").as_deref(), Some("CL902331"));
        assert_eq!(parse_identifier("confirmation PMT 50381").as_deref(), Some("PMT50381"));
    }

    #[test]
    fn clock_times_follow_am_pm_and_parts_of_the_day() {
        assert_eq!(parse_time("at two thirty p.m.").as_deref(), Some("14:30"));
        assert_eq!(parse_time("at eight forty-five in the morning").as_deref(), Some("08:45"));
        assert_eq!(parse_time("since about six fifteen this morning").as_deref(), Some("06:15"));
        assert_eq!(parse_time("around quarter past nine").as_deref(), Some("09:15"));
        assert_eq!(parse_time("at 3:30 PM").as_deref(), Some("15:30"));
        assert_eq!(parse_time("at three thirty").as_deref(), Some("15:30"));
        assert_eq!(parse_time("between eight in the morning and noon").as_deref(), Some("08:00"));
        assert_eq!(parse_time("three to five business days"), None);
    }

    #[test]
    fn spoken_and_written_emails_and_phones_normalise() {
        assert_eq!(parse_email("It's yuki dot tanaka at gmail dot com.").as_deref(), Some("yuki.tanaka@gmail.com"));
        assert_eq!(parse_email("Raj dot iyer at outlook dot com. Perfect.").as_deref(), Some("raj.iyer@outlook.com"));
        assert_eq!(parse_email("Yes, it's Yuki.Tanaka@gmail.com.").as_deref(), Some("yuki.tanaka@gmail.com"));
        assert_eq!(parse_email("raj underscore iyer at outlook dot co dot uk").as_deref(), Some("raj_iyer@outlook.co.uk"));
        assert_eq!(parse_phone("five zero three, five five five, zero one two eight").as_deref(), Some("503-555-0128"));
        assert_eq!(parse_phone("It's one eight hundred, five five five, zero one nine nine.").as_deref(), Some("1-800-555-0199"));
        assert_eq!(parse_phone("Is (503) 555-0128 still good?").as_deref(), Some("503-555-0128"));
        assert_eq!(parse_phone("Is 503-555-0128 still good?").as_deref(), Some("503-555-0128"));
    }

    #[test]
    fn plain_numbers_and_written_forms() {
        assert_eq!(parse_number("about three hundred and forty customers"), Some(340.0));
        assert_eq!(parse_number("within forty-eight hours"), Some(48.0));
        assert_eq!(written("It's eight nineteen Juniper Lane", 2025), "It's 819 Juniper Lane");
        assert_eq!(written("twenty-two Maple Court", 2025), "22 Maple Court");
    }

    #[test]
    fn odd_input_never_panics() {
        for text in ["", " ", "😀 emoji 🎉 and ünïcödé", "-", ",,,,", "a.m.", "$", "@@", "one", &"nine ".repeat(5000)] {
            let _ = parse_digits(text);
            let _ = parse_date(text, 2025);
            let _ = parse_time(text);
            let _ = written(text, 2025);
        }
    }
}

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
    use callscope::analysis::DomainCatalog;
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
mod accuracy {
    use callscope::analysis::redact::redact_with_year;
    use callscope::analysis::score::{score_call, CallScore, FieldScore, PiiScore};
    use callscope::analysis::DomainCatalog;
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
}

/// Builders for small hand-written transcripts.
mod script {
    use callscope::stt::{Segment, Speaker, Transcript};

    /// A transcript from (speaker, text) lines: "a" is the agent, anything else the customer.
    pub fn transcript(lines: &[(&str, &str)]) -> Transcript {
        let mut t = 0;
        let segments = lines
            .iter()
            .map(|(who, text)| {
                let speaker = if *who == "a" { Speaker::Agent } else { Speaker::Customer };
                let start = t;
                t += 3000;
                Segment { start_ms: start, end_ms: t - 200, speaker, text: (*text).to_string(), confidence: 0.9 }
            })
            .collect();
        Transcript { segments, duration_ms: t }
    }
}

/// Transcripts the way Whisper writes them: digits, "$412.60", "Dr. Patel", "3:30 PM".
mod whisper_style {
    use callscope::analysis::redact::redact_with_year;
    use callscope::analysis::DomainCatalog;
    use callscope::llm::offline::{builtin_prompt, OfflineProvider};
    use serde_json::json;

    use super::script::transcript;

    #[test]
    fn a_written_premium_payment_call_gives_the_same_fields_as_the_spoken_one() {
        let t = transcript(&[
            ("a", "Thank you for calling Summit Mutual, payments line, this is Luis. How can I help you?"),
            ("c", "Hi Luis. I got a notice that my car insurance payment is past due, and I'd like to pay it over the phone, if that's possible."),
            ("a", "Absolutely. Can I get your policy number?"),
            ("c", "Sure, it's 620-551-884."),
            ("a", "Thank you. And can I have the name on the policy and your date of birth?"),
            ("c", "Yuki Tanaka, and my date of birth is August 17th, 1992."),
            ("a", "Thank you, Ms. Tanaka. Okay, I see your premium of $412.60 was due on November 1st. There's no late fee yet, so if we take care of it today, you're all set."),
            ("c", "Credit card. Visa."),
            ("a", "Go ahead with the card number whenever you're ready."),
            ("c", "Okay, it's 4532 7718 0046 9134."),
            ("a", "I have 4532 7718 0046 9134."),
            ("c", "Oh wait, sorry, the third group is 0064, not 0046. I always mix those up."),
            ("a", "No problem. So, 4532 7718 0064 9134. And the expiration date?"),
            ("c", "09/28."),
            ("a", "Thank you. I'm processing the payment of $412.60 now. Okay, that went through. Your confirmation number is PMT50381."),
            ("c", "Great. Can you also set up autopay again with this card?"),
            ("a", "I can. I'll set autopay on the same Visa ending in 9134, charged on the 1st of each month. Would you like an email receipt?"),
            ("c", "Yes, please. It's yuki.tanaka@gmail.com."),
            ("a", "You'll get the receipt in a few minutes. Have a great day."),
        ]);
        let provider = OfflineProvider::with_reference_year(2025);
        let d = provider.detect_now(&t, &DomainCatalog::seed());
        assert_eq!((d.domain.as_str(), d.category.as_str()), ("insurance", "premium_payment"));
        let prompt = builtin_prompt("insurance", "premium_payment").expect("built-in schema");
        let a = provider.analyze_now(&t, &prompt);
        assert_eq!(a.fields.get("policy_number"), Some(&json!("620551884")));
        assert_eq!(a.fields.get("payment_amount"), Some(&json!(412.6)));
        assert_eq!(a.fields.get("payment_due_date"), Some(&json!("2025-11-01")));
        assert_eq!(a.fields.get("card_last_four"), Some(&json!("9134")));
        assert_eq!(a.fields.get("confirmation_number"), Some(&json!("PMT50381")));
        assert_eq!(a.fields.get("late_fee"), Some(&json!(0.0)));
        assert_eq!(a.fields.get("autopay_enrolled"), Some(&json!(true)));
        assert_eq!(a.general.agent_name.as_deref(), Some("Luis"));
        assert_eq!(a.general.customer_name.as_deref(), Some("Yuki Tanaka"));

        let r = redact_with_year(&t, 2025);
        let text = r.transcript.plain_text();
        for secret in ["4532 7718 0064 9134", "4532 7718 0046 9134", "620-551-884", "yuki.tanaka@gmail.com", "August 17th, 1992", "09/28"] {
            assert!(!text.contains(secret), "{secret} is still in: {text}");
        }
        assert!(text.contains("[CARD_"), "{text}");
    }

    #[test]
    fn a_written_appointment_call_keeps_the_final_slot_and_the_doctor() {
        let t = transcript(&[
            ("a", "Thank you for calling Riverside Family Health, this is Priya speaking. How can I help you today?"),
            ("c", "Hi Priya. I'd like to book an appointment with Dr. Patel. It's for my annual physical."),
            ("a", "Of course. Can I have your full name and date of birth, please?"),
            ("c", "Sure. It's Elena Marchetti. My date of birth is March 3rd, 1987."),
            ("a", "Thank you, Elena. Dr. Patel's next available physical is on Tuesday, December 9th at 8:45 a.m. Would that work?"),
            ("c", "Mornings are really tough for me. Does she have anything in the afternoon?"),
            ("a", "She has Thursday, December 11th at 2:15, or Friday, December 12th at 3:30."),
            ("c", "The Thursday works."),
            ("a", "That's right. Thursday, December 11th at 2:15 PM with Dr. Patel."),
            ("c", "Oh, wait, sorry, can we actually make it the Friday instead?"),
            ("a", "No problem at all. I've moved you to Friday, December 12th, at 3:30 PM, still with Dr. Patel."),
            ("a", "You'll get a text reminder the day before. Is 503-555-0128 still the best number for you?"),
            ("c", "Yes, that's still my cell. Thanks, Priya."),
        ]);
        let provider = OfflineProvider::with_reference_year(2025);
        let prompt = builtin_prompt("healthcare", "appointment_scheduling").expect("built-in schema");
        let a = provider.analyze_now(&t, &prompt);
        assert_eq!(a.fields.get("appointment_date"), Some(&json!("2025-12-12")));
        assert_eq!(a.fields.get("appointment_time"), Some(&json!("15:30")));
        assert_eq!(a.fields.get("provider"), Some(&json!("Dr. Patel")));
        assert_eq!(a.fields.get("patient_dob"), Some(&json!("1987-03-03")));
        assert_eq!(a.general.customer_name.as_deref(), Some("Elena Marchetti"));
        let r = redact_with_year(&t, 2025);
        let text = r.transcript.plain_text();
        assert!(!text.contains("503-555-0128") && !text.contains("March 3rd, 1987"), "{text}");
        assert!(text.contains("December 12th"), "appointment dates are not personal data: {text}");
    }

    #[test]
    fn written_ssn_and_address_are_redacted_and_read_back_to_the_same_placeholder() {
        let t = transcript(&[
            ("a", "Can I have your full name, date of birth, and Social Security number?"),
            ("c", "Amara Nwosu. My date of birth is May 5th, 1994. And the social is 539-41-7702."),
            ("a", "What's the new address?"),
            ("c", "340 Birchwood Avenue, Apt 12, Columbus, Ohio 43215."),
            ("a", "340 Birchwood Avenue, Apt 12, Columbus, Ohio 43215. I've updated it."),
        ]);
        let r = redact_with_year(&t, 2025);
        let text = r.transcript.plain_text();
        assert!(!text.contains("539-41-7702") && !text.contains("Birchwood") && !text.contains("1994"), "{text}");
        assert_eq!(r.values.get("[SSN_1]").map(String::as_str), Some("539417702"));
        assert_eq!(r.transcript.segments[3].text, "[ADDRESS_1].");
        assert_eq!(r.transcript.segments[4].text, "[ADDRESS_1]. I've updated it.");
        let kinds: Vec<&str> = r.redactions.iter().map(|x| x.kind.as_str()).collect();
        assert!(kinds.contains(&"ssn") && kinds.contains(&"date_of_birth") && kinds.contains(&"address"), "{kinds:?}");
    }
}

/// Calls from domains and wordings the fixtures do not cover.
mod unseen_calls {
    use callscope::analysis::DomainCatalog;
    use callscope::llm::offline::OfflineProvider;
    use callscope::llm::LlmProvider;

    use super::script::transcript;

    fn detect(lines: &[(&str, &str)]) -> (String, String) {
        let d = OfflineProvider::with_reference_year(2025).detect_now(&transcript(lines), &DomainCatalog::seed());
        assert!((0.0..=1.0).contains(&d.confidence));
        (d.domain, d.category)
    }

    /// A short call and the domain and category it must get.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

    #[test]
    fn calls_from_other_industries_get_their_own_domain() {
        let cases: &[Case] = &[
            (&[("a", "Skyline Airways, how can I help?"), ("c", "My flight to Denver was cancelled and my luggage never showed up at baggage claim."), ("a", "I'm sorry, let me open a baggage report for your bag.")], "travel", "baggage_issue"),
            (&[("a", "Harbor View Hotel front desk."), ("c", "Hi, I'd like to book a room for three nights, a king bed if you have one."), ("a", "Let me check availability for those nights.")], "hospitality", "reservation"),
            (&[("a", "Metro Mobile, you're speaking with Sam."), ("c", "I'm going abroad next week and want to know about international roaming on my cell phone."), ("a", "Sure, our travel pass covers roaming overseas.")], "telecom", "international_roaming"),
            (&[("a", "Westside University registrar."), ("c", "I need an official transcript sent to another college."), ("a", "I can help with the transcript request.")], "education", "transcript_request"),
            (&[("a", "Property management, this is Dana."), ("c", "The kitchen sink in my apartment is leaking again and the landlord hasn't fixed it."), ("a", "I'll put in a maintenance request for the leak.")], "real_estate", "maintenance_request"),
            (&[("a", "Roadside help line."), ("c", "My car won't start, I'm stranded on the highway and need a tow."), ("a", "A tow truck is on the way.")], "automotive", "roadside_assistance"),
        ];
        for (lines, domain, category) in cases {
            assert_eq!(detect(lines), (domain.to_string(), category.to_string()));
        }
    }

    #[test]
    fn a_store_catalog_pair_wins_when_it_fits_about_as_well() {
        let mut catalog = DomainCatalog::seed();
        catalog.entries.push(callscope::analysis::CatalogEntry {
            domain: "banking".into(),
            category: "wire_transfer".into(),
            description: "Sending or tracing a wire transfer".into(),
        });
        let t = transcript(&[
            ("a", "Keystone Bank, how can I help?"),
            ("c", "I sent a wire transfer to my landlord on Monday and it still hasn't arrived. Can you trace the wire?"),
            ("a", "Let me look up that transfer for you."),
        ]);
        let d = OfflineProvider::with_reference_year(2025).detect_now(&t, &catalog);
        assert_eq!((d.domain.as_str(), d.category.as_str()), ("banking", "wire_transfer"));
    }

    #[test]
    fn a_customer_reported_fraud_call_finds_the_charge_the_card_and_the_name() {
        let t = transcript(&[
            ("a", "First National Bank, my name is Tom, how can I help you today?"),
            ("c", "Hi Tom, I'm looking at my statement and there's a charge I didn't make. It's $249.99 from TechZone Online on June 3rd."),
            ("a", "I'm sorry about that. Can you verify the last four digits of the card?"),
            ("c", "Yeah, it's 4417."),
            ("a", "Thank you. And your full name?"),
            ("c", "Daniela Ruiz."),
            ("a", "Thanks, Ms. Ruiz. I've filed a dispute and issued a provisional credit. Your case number is DSP-448210. A new card will arrive in 5 to 7 business days."),
        ]);
        let provider = OfflineProvider::with_reference_year(2025);
        let d = provider.detect_now(&t, &DomainCatalog::seed());
        assert_eq!((d.domain.as_str(), d.category.as_str()), ("banking", "fraud_dispute"));
        let a = provider.analyze_now(&t, &provider.generate_prompt_now(&d.domain, &d.category, &t));
        assert_eq!(a.general.customer_name.as_deref(), Some("Daniela Ruiz"));
        assert_eq!(a.fields.get("card_last_four"), Some(&serde_json::json!("4417")));
        assert_eq!(a.fields.get("case_number"), Some(&serde_json::json!("DSP448210")));
        let disputed = a.fields.get("disputed_transactions").and_then(|v| v.as_array()).cloned().unwrap_or_default();
        assert_eq!(disputed.first().and_then(|t| t.get("merchant")), Some(&serde_json::json!("TechZone Online")));
        assert_eq!(disputed.first().and_then(|t| t.get("amount")), Some(&serde_json::json!(249.99)));
        let redacted = callscope::analysis::redact::redact_with_year(&t, 2025).transcript.plain_text();
        assert!(redacted.contains("DSP-448210"), "a case number is not personal data: {redacted}");
    }

    #[test]
    fn a_call_about_nothing_in_the_catalog_is_general_not_an_error() {
        let (domain, category) = detect(&[("a", "Hello?"), ("c", "Hi, I have a question, I was wondering what your opening hours are."), ("a", "We open at nine.")]);
        assert_eq!(domain, "general");
        assert_eq!(category, "inquiry");
    }

    #[test]
    fn a_new_pair_gets_a_schema_named_after_what_was_said() {
        let t = transcript(&[
            ("a", "Skyline Airways, how can I help?"),
            ("c", "I need to change my flight. My booking reference is K, X, seven four two nine one."),
            ("a", "I can move you to the flight on March fourth at six forty p.m. The change fee is seventy-five dollars."),
        ]);
        let provider = OfflineProvider::with_reference_year(2025);
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let prompt = rt.block_on(provider.generate_prompt("airline", "flight_change", &t)).expect("offline never fails").value;
        let names: Vec<&str> = prompt.fields.iter().map(|f| f.name.as_str()).collect();
        assert!(names.contains(&"booking_reference_number") || names.contains(&"reservation_number"), "{names:?}");
        assert!(names.iter().any(|n| n.contains("fee")), "{names:?}");
        assert!(prompt.instructions.contains("YYYY-MM-DD"));
        let analysis = rt.block_on(provider.analyze(&t, &prompt)).expect("offline never fails");
        assert!(analysis.value.fields.values().any(|v| v == "KX74291"), "{:?}", analysis.value.fields);
        assert_eq!(analysis.usage.total(), 0);
    }
}

/// Input the analyzer must survive.
mod robustness {
    use callscope::analysis::redact::redact_transcript;
    use callscope::analysis::DomainCatalog;
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
