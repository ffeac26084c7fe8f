//! One stored call as the detail screen shows it. Built from `callscope::analysis::CallAnalysis`
//! by exhaustive destructuring, so a field added to the engine fails to compile here until the
//! view (and with it the generated TypeScript) carries it too.

use std::collections::BTreeMap;

use callscope::analysis::{
    CallAnalysis, ConversationMetrics, Redaction, StageTokenUsage, StageTokens, Transcription,
};
use callscope::llm::{GeneralInfo, TurnSentiment};
use callscope::store::FieldCorrection;
use callscope::stt::Segment;
use serde::Serialize;
use serde_json::Value;
use specta::Type;

use super::labels::{ResolutionLabel, SentimentLabel, SpeakerLabel, TrendLabel};

/// Everything the detail screen shows about one call.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CallView {
    pub call_id: i64,
    pub file_name: String,
    pub duration_ms: u64,
    pub domain: String,
    pub category: String,
    pub domain_confidence: f32,
    pub transcript_text: String,
    pub segments: Vec<SegmentView>,
    /// Field name → value (corrections applied).
    pub fields: BTreeMap<String, Value>,
    /// The fields a user corrected, by name.
    pub corrections: Vec<CorrectionView>,
    pub general: GeneralView,
    pub metrics: MetricsView,
    pub turn_sentiments: Vec<TurnSentimentView>,
    pub summary: String,
    pub redactions: Vec<RedactionView>,
    pub token_usage: TokenUsageView,
    pub provider: String,
    pub model: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Whether the recording is still where it was analysed (so it can be played).
    pub audio_available: bool,
}

/// One stretch of speech by one speaker.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SegmentView {
    pub start_ms: u64,
    pub end_ms: u64,
    pub speaker: SpeakerLabel,
    pub text: String,
    pub confidence: f32,
}

/// A field value a user corrected.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CorrectionView {
    pub field: String,
    pub original: Option<Value>,
    pub corrected: Value,
    pub corrected_at: String,
}

/// Facts every call has, whatever its domain.
#[derive(Debug, Clone, Serialize, Type)]
pub struct GeneralView {
    pub agent_name: Option<String>,
    pub customer_name: Option<String>,
    pub sentiment: SentimentLabel,
    pub sentiment_trend: TrendLabel,
    pub resolution: ResolutionLabel,
    pub call_reason: String,
    pub follow_up_actions: Vec<String>,
}

/// Conversation metrics measured from segment timings.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct MetricsView {
    pub agent_talk_pct: f32,
    pub customer_talk_pct: f32,
    pub silence_pct: f32,
    pub longest_silence_ms: u64,
    pub overtalk_count: u32,
    pub overtalk_ms: u64,
    pub interruptions_by_agent: u32,
    pub interruptions_by_customer: u32,
    pub agent_wpm: f32,
    pub customer_wpm: f32,
    pub agent_turns: u32,
    pub customer_turns: u32,
}

/// Sentiment of one transcript segment.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct TurnSentimentView {
    pub segment: u32,
    pub start_ms: u64,
    /// −1 … 1.
    pub score: f32,
}

/// One piece of personal data replaced by a placeholder.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RedactionView {
    pub kind: String,
    pub start_ms: u64,
}

/// Tokens of one stage.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct TokensView {
    pub input: u64,
    pub output: u64,
    pub total: u64,
}

/// Token usage per stage, in the original service's stage names.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct TokenUsageView {
    pub detection: TokensView,
    pub analysis: TokensView,
    pub prompt_generation: TokensView,
    pub total: TokensView,
}

/// A recording's shape for drawing (`callscope::audio::Waveform`).
#[derive(Debug, Clone, Serialize, Type)]
pub struct WaveformView {
    pub duration_ms: u64,
    /// One row per channel (agent, then customer), peak levels in 0…1.
    pub peaks: Vec<Vec<f32>>,
}

impl From<callscope::audio::Waveform> for WaveformView {
    fn from(w: callscope::audio::Waveform) -> Self {
        let callscope::audio::Waveform { duration_ms, peaks } = w;
        WaveformView { duration_ms, peaks }
    }
}

impl CallView {
    /// The view of a stored call, its corrections and whether its audio can be played.
    pub fn new(analysis: CallAnalysis, corrections: Vec<FieldCorrection>, audio_available: bool) -> Self {
        let CallAnalysis {
            call_id,
            file_name,
            duration_ms,
            domain,
            category,
            domain_confidence,
            transcription,
            domain_specific_data,
            general,
            metrics,
            turn_sentiments,
            summary,
            redactions,
            token_usage,
            provider,
            model,
            created_at,
        } = analysis;
        let Transcription { text, segments } = transcription;
        CallView {
            call_id,
            file_name,
            duration_ms,
            domain,
            category,
            domain_confidence,
            transcript_text: text,
            segments: segments.into_iter().map(SegmentView::from).collect(),
            fields: domain_specific_data,
            corrections: corrections.into_iter().map(CorrectionView::from).collect(),
            general: general.into(),
            metrics: metrics.into(),
            turn_sentiments: turn_sentiments.into_iter().map(TurnSentimentView::from).collect(),
            summary,
            redactions: redactions.into_iter().map(RedactionView::from).collect(),
            token_usage: token_usage.into(),
            provider,
            model,
            created_at,
            audio_available,
        }
    }
}

impl From<Segment> for SegmentView {
    fn from(s: Segment) -> Self {
        let Segment { start_ms, end_ms, speaker, text, confidence } = s;
        SegmentView { start_ms, end_ms, speaker: speaker.into(), text, confidence }
    }
}

impl From<FieldCorrection> for CorrectionView {
    fn from(c: FieldCorrection) -> Self {
        let FieldCorrection { field, original, corrected, corrected_at } = c;
        CorrectionView { field, original, corrected, corrected_at }
    }
}

impl From<GeneralInfo> for GeneralView {
    fn from(g: GeneralInfo) -> Self {
        let GeneralInfo {
            agent_name,
            customer_name,
            sentiment,
            sentiment_trend,
            resolution,
            call_reason,
            follow_up_actions,
        } = g;
        GeneralView {
            agent_name,
            customer_name,
            sentiment: sentiment.into(),
            sentiment_trend: sentiment_trend.into(),
            resolution: resolution.into(),
            call_reason,
            follow_up_actions,
        }
    }
}

impl From<ConversationMetrics> for MetricsView {
    fn from(m: ConversationMetrics) -> Self {
        let ConversationMetrics {
            agent_talk_pct,
            customer_talk_pct,
            silence_pct,
            longest_silence_ms,
            overtalk_count,
            overtalk_ms,
            interruptions_by_agent,
            interruptions_by_customer,
            agent_wpm,
            customer_wpm,
            agent_turns,
            customer_turns,
        } = m;
        MetricsView {
            agent_talk_pct,
            customer_talk_pct,
            silence_pct,
            longest_silence_ms,
            overtalk_count,
            overtalk_ms,
            interruptions_by_agent,
            interruptions_by_customer,
            agent_wpm,
            customer_wpm,
            agent_turns,
            customer_turns,
        }
    }
}

impl From<TurnSentiment> for TurnSentimentView {
    fn from(t: TurnSentiment) -> Self {
        let TurnSentiment { segment, start_ms, score } = t;
        TurnSentimentView { segment: u32::try_from(segment).unwrap_or(u32::MAX), start_ms, score }
    }
}

impl From<Redaction> for RedactionView {
    fn from(r: Redaction) -> Self {
        let Redaction { kind, start_ms } = r;
        RedactionView { kind, start_ms }
    }
}

impl From<StageTokens> for TokensView {
    fn from(t: StageTokens) -> Self {
        let StageTokens { input, output, total } = t;
        TokensView { input, output, total }
    }
}

impl From<StageTokenUsage> for TokenUsageView {
    fn from(u: StageTokenUsage) -> Self {
        let StageTokenUsage {
            stage1_transcription_and_detection,
            stage2_combined_analysis,
            prompt_generation,
            total,
        } = u;
        TokenUsageView {
            detection: stage1_transcription_and_detection.into(),
            analysis: stage2_combined_analysis.into(),
            prompt_generation: prompt_generation.into(),
            total: total.into(),
        }
    }
}
