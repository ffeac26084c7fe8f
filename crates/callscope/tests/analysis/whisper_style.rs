use callscope::analysis::redact::redact_with_year;
use callscope::call::DomainCatalog;
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

/// What base Whisper wrote for synthetic British and American voices: times with a dot, digits
/// joined by dashes, "three hundred and forty" as "300 and 40", a month one letter off, turns
/// without full stops, a yes/no field settled by the answer to a request.
#[test]
fn a_misrecognised_outage_call_still_gives_its_times_counts_and_data() {
    let t = transcript(&[
        ("a", "Harbor Power outage line. Are you calling to report an outage?"),
        ("c", "Yes, our power's been out since about 7.45 this morning."),
        ("a", "Okay, can I have the account holder's date of birth?"),
        ("c", "It's Junw 4th, 1968."),
        ("a", "And the account number?"),
        ("c", "It's 3-0-2-7-7-1-5-9."),
        ("a", "Thank you. About 500 and 20 customers affected in your area"),
        ("a", "The current estimate is 4.15 this afternoon."),
        ("c", "Can you send me text updates?"),
        ("a", "Sure, I'll text you at the number on the account. You won't be charged for it and a bill credit will appear next month."),
    ]);
    let provider = OfflineProvider::with_reference_year(2025);
    let d = provider.detect_now(&t, &DomainCatalog::seed());
    assert_eq!(d.domain, "utilities", "{d:?}");
    let prompt = builtin_prompt(&d.domain, &d.category).expect("built-in schema for the detected pair");
    let a = provider.analyze_now(&t, &prompt);
    let has = |value: serde_json::Value| a.fields.values().any(|v| *v == value);
    assert!(has(json!("07:45")), "{:?}", a.fields);
    assert!(has(json!("16:15")), "{:?}", a.fields);
    assert!(has(json!(520)) || has(json!(520.0)), "{:?}", a.fields);

    let r = redact_with_year(&t, 2025);
    let text = r.transcript.plain_text();
    assert!(!text.contains("1968"), "date of birth still readable: {text}");
    assert!(!text.contains("3-0-2-7"), "account number still readable: {text}");
    assert!(text.contains("[DOB_") && text.contains("[ACCOUNT_"), "{text}");
}

/// A yes/no field asked for as a request is settled by the other side's answer.
#[test]
fn a_request_answered_yes_or_no_sets_a_yes_no_field() {
    let call = |answer: &str| {
        transcript(&[
            ("a", "Thank you for calling Summit Mutual, payments line. Can I get your policy number?"),
            ("c", "It's 620-551-884. I'd like to pay my car insurance premium, it's past due."),
            ("a", "I'm processing the payment of $412.60 now. Your confirmation number is PMT50381."),
            ("c", "Can you also set up autopay with this card?"),
            ("a", answer),
            ("c", "Thanks, bye."),
        ])
    };
    let provider = OfflineProvider::with_reference_year(2025);
    let prompt = builtin_prompt("insurance", "premium_payment").expect("built-in schema");
    for (answer, expected) in [("No problem, that's done.", true), ("Sure, it's set up.", true), ("Sorry, I can't do that on this line.", false)] {
        let a = provider.analyze_now(&call(answer), &prompt);
        assert_eq!(a.fields.get("autopay_enrolled"), Some(&json!(expected)), "answer {answer:?}");
    }
}
