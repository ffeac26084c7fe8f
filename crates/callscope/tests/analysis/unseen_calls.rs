use callscope::call::DomainCatalog;
use callscope::llm::offline::OfflineProvider;
use callscope::llm::{CallInput, LlmProvider};

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
    catalog.entries.push(callscope::call::CatalogEntry {
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
    let call = CallInput { transcript: &t, recorded_on: time::OffsetDateTime::now_utc().date() };
    let prompt = rt.block_on(provider.generate_prompt("airline", "flight_change", call)).expect("offline never fails").value;
    let names: Vec<&str> = prompt.fields.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"booking_reference_number") || names.contains(&"reservation_number"), "{names:?}");
    assert!(names.iter().any(|n| n.contains("fee")), "{names:?}");
    assert!(prompt.instructions.contains("YYYY-MM-DD"));
    let analysis = rt.block_on(provider.analyze(call, &prompt)).expect("offline never fails");
    assert!(analysis.value.fields.values().any(|v| v == "KX74291"), "{:?}", analysis.value.fields);
    assert_eq!(analysis.usage.total(), 0);
}

#[test]
fn a_company_read_out_in_the_greeting_is_not_the_customer() {
    // As the recogniser heard it: the name never came through, only the agent's "Ms. Kessler".
    let t = transcript(&[
        ("a", "Thorne Merry Home Lending, this is Marcus speaking. Can I get the loan number you're calling about?"),
        ("c", "Yeah, hi, it's 300714229."),
        ("a", "Thank you, Ms. Kessler, you're verified. What can I do for you?"),
        ("c", "My escrow statement says my payment is going up by almost three hundred dollars a month."),
    ]);
    let provider = OfflineProvider::with_reference_year(2025);
    let d = provider.detect_now(&t, &DomainCatalog::seed());
    let a = provider.analyze_now(&t, &provider.generate_prompt_now(&d.domain, &d.category, &t));
    assert_eq!(a.general.customer_name.as_deref(), Some("Kessler"));
    assert_eq!(a.general.agent_name.as_deref(), Some("Marcus"));
}
