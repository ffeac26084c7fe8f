//! A call with personal data in it, and a scripted model that reads it correctly, answering in
//! Gemini's or OpenAI's wire format (shaped like the providers' documented examples, usage
//! included). Each stage has its own token counts, so tests can tell the stages apart.

use std::time::Duration;

use callscope::call::{CallAnalysis, TokenUsage};
use callscope::llm::{ApiKey, Endpoint, HttpOptions, LlmProvider};
use callscope::pipeline::{analyze_and_store, block_on, AnalysisRequest, PipelineError};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::store::{CallFilter, Store};
use callscope::stt::{Segment, Speaker, Transcript};
use serde_json::{json, Value};

use super::server::{Received, Reply};

/// The API key tests use; it must appear in its header and nowhere else.
pub const KEY: &str = "test-key-Zq81VbX0PaLm";

/// Personal data said in `payment_call`, none of which may reach a remote provider.
pub const PII: [&str; 7] = ["4532", "9134", "123-45-6789", "6789", "620551884", "yuki.tanaka", "gmail.com"];

/// A premium paid by card, with a policy number, a Social Security number and an e-mail address.
pub fn payment_call() -> Transcript {
    let turns = [
        (Speaker::Agent, "Thank you for calling Summit Mutual, payments line, this is Luis. How can I help you?"),
        (Speaker::Customer, "Hi Luis, I got a notice that my car insurance premium is past due and I'd like to pay it now."),
        (Speaker::Agent, "Sure. To verify your identity, can I have your Social Security number?"),
        (Speaker::Customer, "It's 123-45-6789. And the policy is 620551884."),
        (Speaker::Agent, "Thank you, Miss Tanaka. The premium is $412.60, due November 1st. How would you like to pay?"),
        (Speaker::Customer, "By Visa, the card number is 4532 7718 0064 9134."),
        (Speaker::Agent, "That went through. Your confirmation number is PMT50381. Where should I send the receipt?"),
        (Speaker::Customer, "To yuki.tanaka@gmail.com, please. Thanks so much."),
        (Speaker::Agent, "You're welcome. Have a great day."),
    ];
    let segments: Vec<Segment> = turns
        .iter()
        .enumerate()
        .map(|(i, (speaker, text))| {
            let start_ms = i as u64 * 4_000;
            Segment { start_ms, end_ms: start_ms + 3_500, speaker: *speaker, text: (*text).to_string(), confidence: 1.0 }
        })
        .collect();
    Transcript { duration_ms: segments.len() as u64 * 4_000, segments }
}

/// The day `payment_call` was recorded.
pub fn recorded_on() -> time::Date {
    time::Date::from_calendar_date(2025, time::Month::November, 14).expect("a date")
}

/// Which stage a request is, from the instructions it carries (the same for both APIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    Detection,
    Prompt,
    Analysis,
    /// Detection and analysis in one request (a pair whose prompt is saved).
    Combined,
    /// Detection, the pair's prompt and analysis in one request (no prompt saved for the pair).
    NewPair,
}

pub fn asked(r: &Received) -> Asked {
    if r.body.contains("No extraction prompt exists yet") {
        Asked::NewPair
    } else if r.body.contains("This call is probably") {
        Asked::Combined
    } else if r.body.contains("You classify customer-service phone calls") {
        Asked::Detection
    } else if r.body.contains("You design what a call-center analyst extracts") {
        Asked::Prompt
    } else {
        Asked::Analysis
    }
}

/// The model's answer to each stage, as the JSON text it would write.
pub fn answer(stage: Asked) -> String {
    let value = match stage {
        Asked::Combined => {
            let mut both: Value = serde_json::from_str(&answer(Asked::Analysis)).expect("analysis JSON");
            let detection: Value = serde_json::from_str(&answer(Asked::Detection)).expect("detection JSON");
            if let (Some(b), Some(d)) = (both.as_object_mut(), detection.as_object()) {
                b.extend(d.clone());
            }
            both
        }
        Asked::NewPair => {
            let mut all: Value = serde_json::from_str(&answer(Asked::Combined)).expect("combined JSON");
            let designed: Value = serde_json::from_str(&answer(Asked::Prompt)).expect("prompt JSON");
            if let Some(all) = all.as_object_mut() {
                let values = all.remove("fields").unwrap_or_default();
                let fields: Vec<Value> = designed["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        let mut f = f.clone();
                        let value = &values[f["name"].as_str().unwrap_or_default()];
                        f["value"] = if value.is_number() { Value::from(value.to_string()) } else { value.clone() };
                        f
                    })
                    .collect();
                all.insert("prompt_fields".into(), Value::from(fields));
                all.insert("guidance".into(), designed["guidance"].clone());
            }
            all
        }
        Asked::Detection => json!({"domain": "insurance", "category": "premium_payment", "confidence": 0.93}),
        Asked::Prompt => json!({
            "fields": [
                {"name": "payment_amount", "kind": "money", "description": "the premium paid"},
                {"name": "card_last_four", "kind": "card_last_four", "description": "the card paid with"},
                {"name": "confirmation_number", "kind": "identifier", "description": "the payment's confirmation"}
            ],
            "guidance": "Use the amount actually charged."
        }),
        Asked::Analysis => json!({
            "fields": {"payment_amount": 412.6, "card_last_four": "[CARD_1]", "confirmation_number": "PMT50381"},
            "general": {
                "agent_name": "Luis", "customer_name": null, "sentiment": "positive", "sentiment_trend": "stable",
                "resolution": "resolved", "call_reason": "pay an overdue premium", "follow_up_actions": ["email the receipt to [EMAIL_1]"]
            },
            "turn_sentiments": [{"turn": 1, "score": -0.2}, {"turn": 7, "score": 0.8}, {"turn": 99, "score": 0.5}],
            "summary": "The customer paid the overdue premium of $412.60 with the card [CARD_1]; the receipt goes to [EMAIL_1]."
        }),
    };
    value.to_string()
}

/// For a model whose one-request answers (a new pair's, a saved pair's) never follow their
/// schema, so the pipeline asks stage by stage: the unusable reply, or `None` for a stage's
/// own request.
pub fn unusable_one_request(wire: Wire, r: &Received) -> Option<Reply> {
    matches!(asked(r), Asked::NewPair | Asked::Combined).then(|| wire.reply("{}", tokens(asked(r))))
}

/// Tokens the scripted model reports per stage: (input, output).
pub fn tokens(stage: Asked) -> TokenUsage {
    match stage {
        Asked::Detection => TokenUsage { input: 812, output: 21 },
        Asked::Prompt => TokenUsage { input: 905, output: 160 },
        Asked::Analysis => TokenUsage { input: 1010, output: 330 },
        Asked::Combined => TokenUsage { input: 1290, output: 352 },
        Asked::NewPair => TokenUsage { input: 1350, output: 480 },
    }
}

/// A `generateContent` response with `text` as the answer; the output tokens are split between
/// the answer and thinking, as Gemini 2.5 reports them.
pub fn gemini_response(text: &str, usage: TokenUsage) -> Value {
    let thoughts = usage.output / 4;
    json!({
        "candidates": [{
            "content": {"parts": [{"text": text}], "role": "model"},
            "finishReason": "STOP",
            "avgLogprobs": -0.0412
        }],
        "usageMetadata": {
            "promptTokenCount": usage.input,
            "candidatesTokenCount": usage.output - thoughts,
            "totalTokenCount": usage.input + usage.output,
            "thoughtsTokenCount": thoughts,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": usage.input}]
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "mP3SaN2yKsOnz7IPv8fTsQ4"
    })
}

/// A `chat.completion` with `text` as the answer.
pub fn openai_response(text: &str, usage: TokenUsage) -> Value {
    json!({
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1_741_569_952,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": null, "annotations": []},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": usage.input,
            "completion_tokens": usage.output,
            "total_tokens": usage.input + usage.output,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
        },
        "service_tier": "default"
    })
}

/// The two wire formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Gemini,
    OpenAi,
}

impl Wire {
    /// A 200 answering with `text`.
    pub fn reply(self, text: &str, usage: TokenUsage) -> Reply {
        Reply::ok(match self {
            Wire::Gemini => gemini_response(text, usage),
            Wire::OpenAi => openai_response(text, usage),
        })
    }

    /// The scripted model's correct answer to `request`.
    pub fn correct(self, request: &Received) -> Reply {
        let stage = asked(request);
        self.reply(&answer(stage), tokens(stage))
    }

    /// The header that carries the key.
    pub fn key_header(self) -> &'static str {
        match self {
            Wire::Gemini => "x-goog-api-key",
            Wire::OpenAi => "authorization",
        }
    }

    /// The provider for a server at `url`, with tiny retry delays and a short timeout.
    pub fn provider(self, url: &str, key: &str) -> Box<dyn LlmProvider> {
        self.provider_with(url, key, fast())
    }

    pub fn provider_with(self, url: &str, key: &str, http: HttpOptions) -> Box<dyn LlmProvider> {
        match self {
            Wire::Gemini => {
                let endpoint = Endpoint { base_url: url.to_string(), model: "gemini-2.5-flash".into(), key: ApiKey::new(key) };
                Box::new(callscope::llm::gemini::GeminiProvider::new(endpoint, http).expect("gemini provider"))
            }
            Wire::OpenAi => {
                let endpoint = Endpoint { base_url: format!("{url}/v1"), model: "gpt-4o-mini".into(), key: ApiKey::new(key) };
                Box::new(callscope::llm::openai::OpenAiProvider::new(endpoint, http).expect("openai provider"))
            }
        }
    }
}

/// Retries without real waiting, and a timeout short enough for a test.
pub fn fast() -> HttpOptions {
    HttpOptions { timeout: Duration::from_secs(5), attempts: 3, backoff_base: Duration::from_millis(2), max_wait: Duration::from_secs(5) }
}

/// Analyse `payment_call` with `provider` and store it in `store`, as the pipeline does.
pub fn analyse(provider: &dyn LlmProvider, store: &mut Store) -> Result<CallAnalysis, PipelineError> {
    analyse_with(provider, store, &CancelToken::new())
}

pub fn analyse_with(provider: &dyn LlmProvider, store: &mut Store, cancel: &CancelToken) -> Result<CallAnalysis, PipelineError> {
    let transcript = payment_call();
    let request = AnalysisRequest {
        file_name: "payment.wav",
        transcript: &transcript,
        keep_original_pii: false,
        transcriber: "script",
        recorded_on: recorded_on(),
    };
    block_on(analyze_and_store(provider, store, &request, None, &ignore_progress, cancel))
}

/// How many calls the library holds.
pub fn stored_calls(store: &Store) -> u64 {
    store.count_calls(&CallFilter::default()).expect("count calls")
}

/// The key is in `key_header` of every request and nowhere else (URL, body, other headers),
/// and no personal data of `payment_call` is in any body.
pub fn assert_private(received: &[Received], key_header: &str) {
    assert!(!received.is_empty(), "no request was made");
    for r in received {
        let value = r.header(key_header).unwrap_or_default();
        assert!(value.ends_with(KEY), "{key_header} does not carry the key: {:?}", r.headers);
        assert!(!r.uri.contains(KEY), "the key is in the URL: {}", r.uri);
        assert!(!r.body.contains(KEY), "the key is in the body");
        let elsewhere: Vec<&String> = r.headers.iter().filter(|(n, v)| n != key_header && v.contains(KEY)).map(|(n, _)| n).collect();
        assert!(elsewhere.is_empty(), "the key is also in {elsewhere:?}");
        for pii in PII {
            assert!(!r.body.contains(pii), "{pii:?} was sent to the provider: {}", r.body);
        }
    }
}
