//! Scoring one analysed call against its fixture, with the engine's own scoring rules
//! (`callscope::analysis::score`); only the talk/silence comparison is computed here.

use std::collections::BTreeMap;

use callscope::analysis::redact::{redact_transcript, RedactedTranscript};
use callscope::analysis::score::{name_matches, pair_matches, pii_recall, same_domain, score_fields, FieldScore, PairMatch, PiiScore};
use callscope::call::CallAnalysis;
use callscope::analysis::spoken;
use callscope::stt::{word_error_rate, Transcript};
use serde_json::Value;

use crate::fixture::Fixture;

/// How one call did.
pub struct Grade {
    pub stem: String,
    /// Expected and detected `domain/category`.
    pub want_pair: String,
    pub got_pair: String,
    /// How the detected pair relates to the labelled one (by meaning).
    pub pair: PairMatch,
    /// The industry is right, whatever the category.
    pub domain_ok: bool,
    pub fields: FieldScore,
    pub pii: PiiScore,
    /// Why each missed PII item was missed (same order as `pii.missed`).
    pub pii_why: Vec<String>,
    /// (what, expected, got) of each general fact that differs: names, sentiment, resolution, trend.
    pub general_misses: Vec<(&'static str, String, String)>,
    pub names_ok: (bool, bool),
    pub sentiment_ok: bool,
    pub resolution_ok: bool,
    /// |predicted − true| in points: agent talk, customer talk, silence.
    pub talk_err: (f32, f32),
    pub silence_err: f32,
    /// True and predicted (agent %, customer %, silence %).
    pub truth_pct: (f32, f32, f32),
    pub got_pct: (f32, f32, f32),
    /// Word error rate of the recognised (unredacted) transcript against the script, numbers
    /// written as digits on both sides.
    pub wer: Option<f64>,
    /// The stored transcript differs from redacting the recognised one (should never happen).
    pub redaction_mismatch: bool,
    pub seconds: f64,
    pub stt_seconds: f64,
    /// Time in `analyze_and_store` (detect, schema, extract, redact, store).
    pub analysis_seconds: f64,
    pub error: Option<String>,
}

impl Grade {
    pub fn pair_ok(&self) -> bool {
        self.error.is_none() && self.pair.is_right()
    }

    pub fn talk_max(&self) -> f32 {
        self.talk_err.0.max(self.talk_err.1)
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Grade a stored call. `recognised` is the transcript before redaction (what analysis saw);
/// `with_wer` when it came from a recogniser rather than the script.
pub fn grade(fx: &Fixture, call: &CallAnalysis, recognised: &Transcript, with_wer: bool) -> Grade {
    let e = &fx.expected;
    let expected_fields = e["fields"].as_object().cloned().unwrap_or_default();
    let fields = score_fields(&expected_fields, &call.domain_specific_data);

    // PII: what is still readable in the *stored* transcript, and the placeholder values the
    // pipeline's redaction held (recomputed: redaction is deterministic for a transcript).
    let redacted = redact_transcript(recognised);
    let redaction_mismatch = redacted.transcript.segments.iter().map(|s| &s.text).ne(call.transcription.segments.iter().map(|s| &s.text));
    let stored = RedactedTranscript {
        transcript: Transcript { segments: call.transcription.segments.clone(), duration_ms: call.duration_ms },
        redactions: call.redactions.clone(),
        originals: BTreeMap::new(),
        values: redacted.values,
    };
    let pii = pii_recall(&fx.pii(), &stored);
    let pii_why = pii.missed.iter().map(|(kind, value)| why_missed(kind, value, &stored)).collect();

    let general = serde_json::to_value(&call.general).unwrap_or_default();
    let mut general_misses = Vec::new();
    let mut check = |what: &'static str, want: Option<String>, got: Option<String>, ok: bool| {
        if !ok {
            general_misses.push((what, want.unwrap_or_else(|| "-".into()), got.unwrap_or_else(|| "-".into())));
        }
        ok
    };
    let want_agent = text(&e["agent_name"]);
    let want_customer = text(&e["customer_name"]);
    let agent_ok = check("agent", want_agent.clone(), call.general.agent_name.clone(), name_matches(want_agent.as_deref(), call.general.agent_name.as_deref()));
    let customer_ok = check("customer", want_customer.clone(), call.general.customer_name.clone(), name_matches(want_customer.as_deref(), call.general.customer_name.as_deref()));
    let same = |key: &str| {
        let want = text(&e[key]);
        let got = text(&general[key]);
        let ok = want.is_none() || want == got;
        (want, got, ok)
    };
    let (w, g, sentiment_ok) = same("sentiment");
    check("sentiment", w, g, sentiment_ok);
    let (w, g, resolution_ok) = same("resolution");
    check("resolution", w, g, resolution_ok);
    // Trend is reported, not targeted; "worsening" is the engine's "declining".
    let want_trend = text(&e["sentiment_trend"]).map(|t| if t == "worsening" { "declining".into() } else { t });
    let got_trend = text(&general["sentiment_trend"]);
    let trend_ok = want_trend.is_none() || want_trend == got_trend;
    check("trend", want_trend, got_trend, trend_ok);

    let truth_pct = fx.true_percentages();
    let m = &call.metrics;
    let got_pct = (m.agent_talk_pct, m.customer_talk_pct, m.silence_pct);
    let wer = with_wer.then(|| {
        let year = spoken::current_year();
        let words = |segs: &[callscope::stt::Segment]| {
            let mut s: Vec<_> = segs.iter().collect();
            s.sort_by_key(|x| (x.start_ms, x.end_ms));
            spoken::written(&s.iter().map(|x| x.text.as_str()).collect::<Vec<_>>().join(" "), year)
        };
        word_error_rate(&words(&fx.turns), &words(&recognised.segments))
    });
    Grade {
        stem: fx.stem.clone(),
        want_pair: format!("{}/{}", fx.domain, fx.category),
        got_pair: format!("{}/{}", call.domain, call.category),
        pair: pair_matches(&fx.domain, &fx.category, &call.domain, &call.category),
        domain_ok: same_domain(&fx.domain, &call.domain),
        fields,
        pii,
        pii_why,
        general_misses,
        names_ok: (agent_ok, customer_ok),
        sentiment_ok,
        resolution_ok,
        talk_err: ((got_pct.0 - truth_pct.0).abs(), (got_pct.1 - truth_pct.1).abs()),
        silence_err: (got_pct.2 - truth_pct.2).abs(),
        truth_pct,
        got_pct,
        wer,
        redaction_mismatch,
        seconds: 0.0,
        stt_seconds: 0.0,
        analysis_seconds: 0.0,
        error: None,
    }
}

/// A call the pipeline failed on: everything it should have found counts as missed.
pub fn failed(fx: &Fixture, error: String) -> Grade {
    let expected_fields = fx.expected["fields"].as_object().cloned().unwrap_or_default();
    let pii = fx.pii();
    Grade {
        stem: fx.stem.clone(),
        want_pair: format!("{}/{}", fx.domain, fx.category),
        got_pair: "-".into(),
        pair: PairMatch::Wrong,
        domain_ok: false,
        fields: score_fields(&expected_fields, &BTreeMap::new()),
        pii_why: vec!["the pipeline failed".into(); pii.len()],
        pii: PiiScore { expected: pii.len(), found: 0, misheard: Vec::new(), missed: pii },
        general_misses: Vec::new(),
        names_ok: (false, false),
        sentiment_ok: false,
        resolution_ok: false,
        talk_err: (f32::NAN, f32::NAN),
        silence_err: f32::NAN,
        truth_pct: fx.true_percentages(),
        got_pct: (f32::NAN, f32::NAN, f32::NAN),
        wer: None,
        redaction_mismatch: false,
        seconds: 0.0,
        stt_seconds: 0.0,
        analysis_seconds: 0.0,
        error: Some(error),
    }
}

/// A diagnosis of a missed PII item, for whoever fixes redaction: is the value still readable
/// in the stored transcript, or did a placeholder take a near value (misheard, or only part of
/// it), or did nothing take it?
fn why_missed(kind: &str, value: &str, stored: &RedactedTranscript) -> String {
    let year = spoken::current_year();
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let compact = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let textual = matches!(kind, "email" | "address");
    let target = if textual { compact(value) } else { digits(value) };
    let leak = stored.transcript.segments.iter().find(|seg| {
        let w = spoken::written(&seg.text, year);
        !target.is_empty() && kind != "address" && (if textual { compact(&w).contains(&target) } else { digits(&w).contains(&target) })
    });
    if let Some(seg) = leak {
        return format!("still readable at {} ms: \"{}\"", seg.start_ms, seg.text);
    }
    let near = stored.values.iter().find(|(_, held)| {
        if kind == "address" {
            let h = compact(held);
            value.split([' ', ',']).filter(|w| w.len() > 2).any(|w| h.contains(&compact(w)))
        } else if textual {
            edits(&compact(held), &target) <= 3
        } else {
            let h = digits(held);
            !h.is_empty() && (edits(&h, &target) <= 2 || (h.len() >= 4 && target.ends_with(&h[h.len() - 4..])))
        }
    });
    match near {
        Some((ph, held)) => format!("held as {ph} = {held} (misheard, or only part of it)"),
        None => "no placeholder holds it (not recognised as PII, or not in the transcript)".into(),
    }
}

/// Character edit distance.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
