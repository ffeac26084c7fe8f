//! Conversation metrics from segment timings, with hand-built calls of known answers.

mod metrics {
    use std::path::PathBuf;

    use callscope::analysis::metrics::TURN_MERGE_GAP_MS;
    use callscope::call::ConversationMetrics;
    use callscope::analysis::measure;
    use callscope::stt::{Segment, Speaker, Transcript};

    use Speaker::{Agent, Customer, Unknown};

    fn segment(speaker: Speaker, start_ms: u64, end_ms: u64, text: &str) -> Segment {
        Segment { start_ms, end_ms, speaker, text: text.to_owned(), confidence: 1.0 }
    }

    fn call(duration_ms: u64, segments: Vec<Segment>) -> Transcript {
        Transcript { segments, duration_ms }
    }

    #[test]
    fn simple_alternation_splits_the_call_into_talk_and_silence() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 4_000, "Thank you for calling, how can I help?"),
                segment(Customer, 4_500, 8_000, "My card was charged twice."),
                segment(Agent, 8_500, 10_000, "Let me check that."),
            ],
        ));
        assert_eq!(m.agent_talk_pct, 55.0);
        assert_eq!(m.customer_talk_pct, 35.0);
        assert_eq!(m.silence_pct, 10.0);
        assert_eq!(m.longest_silence_ms, 500);
        assert_eq!((m.agent_turns, m.customer_turns), (2, 1));
        assert_eq!((m.overtalk_count, m.overtalk_ms), (0, 0));
        // 12 words in 5.5 s and 5 words in 3.5 s.
        assert_eq!(m.agent_wpm, 130.9);
        assert_eq!(m.customer_wpm, 85.7);
    }

    #[test]
    fn customer_cutting_in_700_ms_before_the_agent_stops_is_one_customer_interruption() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 5_000, "So the refund will take five business days"),
                segment(Customer, 4_300, 9_000, "Five days? I was told two."),
            ],
        ));
        assert_eq!(m.overtalk_count, 1);
        assert_eq!(m.overtalk_ms, 700);
        assert_eq!(m.interruptions_by_customer, 1);
        assert_eq!(m.interruptions_by_agent, 0);
        // Both talk during the overlap, so the shares add up to more than 100 %.
        assert_eq!(m.agent_talk_pct, 50.0);
        assert_eq!(m.customer_talk_pct, 47.0);
        assert_eq!(m.silence_pct, 10.0);
        assert_eq!(m.longest_silence_ms, 1_000);
    }

    #[test]
    fn agent_talking_over_the_customer_twice_counts_each_overlap_once() {
        let m = measure(&call(
            12_000,
            vec![
                segment(Customer, 0, 4_000, "I want to cancel"),
                segment(Agent, 3_600, 5_000, "Before you do"),
                segment(Customer, 6_000, 10_000, "No, really, cancel it"),
                segment(Agent, 9_000, 11_000, "Understood"),
            ],
        ));
        assert_eq!(m.interruptions_by_agent, 2);
        assert_eq!(m.interruptions_by_customer, 0);
        assert_eq!(m.overtalk_count, 2);
        assert_eq!(m.overtalk_ms, 400 + 1_000);
    }

    #[test]
    fn leading_and_trailing_silence_count_as_non_talk_time() {
        let m = measure(&call(
            20_000,
            vec![
                segment(Agent, 3_000, 8_000, "Hello?"),
                segment(Customer, 9_000, 15_000, "Hi, sorry, I was on hold."),
            ],
        ));
        assert_eq!(m.silence_pct, 45.0);
        assert_eq!(m.longest_silence_ms, 5_000, "the trailing 5 s is the longest silence");

        let m = measure(&call(10_000, vec![segment(Agent, 6_000, 10_000, "Hello?")]));
        assert_eq!(m.silence_pct, 60.0);
        assert_eq!(m.longest_silence_ms, 6_000, "the leading 6 s is the longest silence");
    }

    #[test]
    fn segments_split_by_short_pauses_form_one_turn() {
        let m = measure(&call(
            12_000,
            vec![
                segment(Agent, 0, 2_000, "Thanks for waiting."),
                segment(Agent, 2_150, 4_000, "I found your order."),
                segment(Agent, 4_250, 6_000, "It ships tomorrow."),
                segment(Customer, 7_000, 9_000, "Great, thanks."),
            ],
        ));
        assert_eq!((m.agent_turns, m.customer_turns), (1, 1));
        assert_eq!(m.agent_talk_pct, 50.0, "6 s of talk in 12 s: pauses under 700 ms inside a turn are talk");
        assert_eq!(m.longest_silence_ms, 3_000);
    }

    #[test]
    fn a_long_pause_or_the_other_speaker_in_it_is_not_talk() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 2_000, "One."),
                segment(Agent, 2_800, 4_000, "Two, after a long pause."),
                segment(Agent, 4_500, 5_000, "Three."),
                segment(Customer, 5_100, 5_300, "Mhm."),
                segment(Agent, 5_500, 6_000, "Four."),
            ],
        ));
        // 2 s + (2.8…5 s, its 500 ms pause bridged) + 0.5 s: the 800 ms pause is too long and the
        // last 500 ms pause holds the customer's "mhm".
        assert_eq!(m.agent_talk_pct, 47.0);
    }

    #[test]
    fn a_pause_as_long_as_the_merge_gap_starts_a_new_turn() {
        let gap = TURN_MERGE_GAP_MS;
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 2_000, "One moment."),
                segment(Agent, 2_000 + gap, 4_000, "Still there?"),
                segment(Agent, 4_000 + gap - 1, 6_000, "Okay."),
            ],
        ));
        assert_eq!(m.agent_turns, 2);
    }

    #[test]
    fn customer_starting_in_the_agents_short_pause_interrupts_when_the_agent_resumes() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 3_000, "Your balance is"),
                segment(Agent, 3_200, 6_000, "four hundred dollars"),
                segment(Customer, 3_100, 5_000, "Wait, what?"),
            ],
        ));
        assert_eq!(m.interruptions_by_customer, 1);
        assert_eq!(m.overtalk_ms, 1_800);
        assert_eq!((m.agent_turns, m.customer_turns), (1, 1));
    }

    #[test]
    fn a_backchannel_inside_the_agents_short_pause_is_not_overtalk() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 3_000, "First I will reset it"),
                segment(Customer, 3_020, 3_180, "Mhm."),
                segment(Agent, 3_200, 6_000, "then you log in again"),
            ],
        ));
        assert_eq!(m.overtalk_count, 0);
        assert_eq!(m.silence_pct, 40.4);
    }

    #[test]
    fn turns_starting_at_the_same_instant_interrupt_nobody() {
        let m = measure(&call(
            5_000,
            vec![segment(Agent, 1_000, 3_000, "Hello"), segment(Customer, 1_000, 2_000, "Hi")],
        ));
        assert_eq!(m.overtalk_count, 0);
        assert_eq!(m.overtalk_ms, 0);
    }

    #[test]
    fn an_empty_transcript_of_a_zero_length_call_measures_nothing() {
        assert_eq!(measure(&Transcript::default()), ConversationMetrics::default());
    }

    #[test]
    fn a_call_without_segments_is_all_silence() {
        let m = measure(&call(60_000, Vec::new()));
        assert_eq!(m.silence_pct, 100.0);
        assert_eq!(m.longest_silence_ms, 60_000);
        assert_eq!(m.agent_talk_pct, 0.0);
        assert_eq!(m.agent_wpm, 0.0);
        assert_eq!((m.agent_turns, m.customer_turns), (0, 0));
    }

    #[test]
    fn unknown_speech_fills_silence_but_belongs_to_neither_participant() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 0, 4_000, "Hello"),
                segment(Unknown, 3_000, 6_000, "background voice"),
                segment(Customer, 8_000, 10_000, "Hi"),
            ],
        ));
        assert_eq!(m.agent_talk_pct, 40.0);
        assert_eq!(m.customer_talk_pct, 20.0);
        assert_eq!(m.silence_pct, 20.0);
        assert_eq!(m.longest_silence_ms, 2_000);
        assert_eq!(m.overtalk_count, 0, "speech nobody can be named for interrupts nobody");
        assert_eq!((m.agent_turns, m.customer_turns), (1, 1));
    }

    #[test]
    fn a_zero_duration_falls_back_to_the_latest_segment_end() {
        let m = measure(&call(
            0,
            vec![segment(Customer, 5_000, 8_000, "Hi"), segment(Agent, 0, 4_000, "Hello")],
        ));
        assert_eq!(m.agent_talk_pct, 50.0);
        assert_eq!(m.customer_talk_pct, 37.5);
        assert_eq!(m.silence_pct, 12.5);
    }

    #[test]
    fn unsorted_overlapping_and_reversed_segments_are_measured_without_panicking() {
        let m = measure(&call(
            10_000,
            vec![
                segment(Agent, 2_000, 5_000, "it is this one"),
                segment(Agent, 0, 3_000, "yes so"),
                segment(Customer, 7_000, 6_000, "reversed times are ignored"),
                segment(Customer, 8_000, 8_000, "so are empty ones"),
                segment(Customer, 6_000, 9_000, "okay"),
            ],
        ));
        assert_eq!(m.agent_talk_pct, 50.0, "the agent's own overlap counts once");
        assert_eq!(m.customer_talk_pct, 30.0);
        assert_eq!(m.silence_pct, 20.0);
        assert_eq!((m.agent_turns, m.customer_turns), (1, 1));
        assert_eq!(m.overtalk_count, 0);
        assert_eq!(m.customer_wpm, 20.0, "only the 1 word of the valid segment, in 3 s");
    }

    #[test]
    fn speech_past_the_end_of_the_call_is_clipped() {
        let m = measure(&call(
            10_000,
            vec![segment(Agent, 0, 12_000, "long"), segment(Customer, 11_000, 13_000, "late")],
        ));
        assert_eq!(m.agent_talk_pct, 100.0);
        assert_eq!(m.customer_talk_pct, 0.0);
        assert_eq!(m.customer_turns, 0);
        assert_eq!(m.silence_pct, 0.0);
    }

    #[test]
    fn only_tokens_with_a_letter_or_digit_count_as_words() {
        let m = measure(&call(
            60_000,
            vec![segment(Agent, 0, 60_000, "It's 4532 - okay ... €12, — ¿sí?")],
        ));
        assert_eq!(m.agent_wpm, 5.0);
    }

    /// The repository's root, where `tests/fixtures` lives.
    fn repo_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn read_json(path: &PathBuf) -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}. Generate the rendered fixtures first: \
                 `python3 scripts/fixtures/render.py` from the repository root",
                path.display()
            )
        });
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
    }

    #[test]
    fn rendered_call_06_talk_shares_and_overtalk_match_its_script() {
        let truth =
            read_json(&repo_root().join("tests/fixtures/generated/calls/call_06.truth.json"));
        let script = read_json(&repo_root().join("tests/fixtures/calls/call_06.json"));

        let duration_ms = truth["duration_ms"].as_u64().expect("truth has duration_ms");
        let turns = truth["turns"].as_array().expect("truth has turns");
        let mut segments = Vec::new();
        let (mut agent_ms, mut customer_ms) = (0u64, 0u64);
        for turn in turns {
            let speaker: Speaker = serde_json::from_value(turn["speaker"].clone())
                .expect("speaker is agent or customer");
            let start_ms = turn["start_ms"].as_u64().expect("turn has start_ms");
            let end_ms = turn["end_ms"].as_u64().expect("turn has end_ms");
            match speaker {
                Agent => agent_ms += end_ms - start_ms,
                Customer => customer_ms += end_ms - start_ms,
                Unknown => {}
            }
            let text = turn["text"].as_str().unwrap_or_default();
            segments.push(segment(speaker, start_ms, end_ms, text));
        }
        let scripted_overlaps = script["turns"]
            .as_array()
            .expect("script has turns")
            .iter()
            .filter(|t| t["overlaps_previous_ms"].as_u64().unwrap_or(0) > 0)
            .count();

        let m = measure(&Transcript { segments, duration_ms });

        let expected_agent = agent_ms as f64 * 100.0 / duration_ms as f64;
        let expected_customer = customer_ms as f64 * 100.0 / duration_ms as f64;
        assert!(
            (f64::from(m.agent_talk_pct) - expected_agent).abs() <= 0.051,
            "agent talk {} %, turns say {expected_agent:.2} %",
            m.agent_talk_pct
        );
        assert!(
            (f64::from(m.customer_talk_pct) - expected_customer).abs() <= 0.051,
            "customer talk {} %, turns say {expected_customer:.2} %",
            m.customer_talk_pct
        );
        assert_eq!(m.overtalk_count as usize, scripted_overlaps);
        assert_eq!(m.agent_turns + m.customer_turns, turns.len() as u32);
    }
}
