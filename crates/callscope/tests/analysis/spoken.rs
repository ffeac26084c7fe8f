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
    assert_eq!(parse_identifier("Your application number is B, E, N, 2, 0, 2, 5, 4, 4, 8, 1.").as_deref(), Some("BEN20254481"));
    assert_eq!(parse_identifier("Ticket T, K, 7, then it's 40 dollars.").as_deref(), Some("TK7"));
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
