//! The cloud transcriber: an OpenAI-compatible `POST {base}/audio/transcriptions` server
//! (OpenAI's `whisper-1`, or a local server speaking the same API). The audio leaves the machine.
//!
//! Speakers stay exact as with local Whisper: each channel's speech (silence cut out, as
//! `Spliced` joins it) goes in uploads of its own, and the answer's segment times are mapped
//! back to the call. Uploads stay under the server's size limit by cutting at silences.
//! `verbose_json` gives segment times; a server or model that refuses it (OpenAI's
//! `gpt-4o-transcribe`) is asked for `json` instead, one speech region per upload, and that is
//! remembered per server and model for the rest of the process.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use super::activity::speech_regions;
use super::answer::{call_segments, Answer};
use super::assemble::speaker_channels;
use super::splice::Spliced;
use super::upload::{plan_uploads, wav, Multipart};
use super::vad::SpeechFilter;
use super::{Segment, Speaker, SttError, TranscribeOptions, Transcriber, Transcript};
use crate::audio::{AudioClip, WHISPER_SAMPLE_RATE_HZ};
use crate::llm::http::{HttpClient, KeyHeader, Reply};
use crate::llm::openai::server_name;
use crate::llm::{Endpoint, HttpOptions, LlmError, LlmStage};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};

/// OpenAI's transcription model, used unless the settings name another.
pub const DEFAULT_TRANSCRIPTION_MODEL: &str = "whisper-1";

/// The largest WAV sent in one request: OpenAI takes files up to 25 MB; this leaves room for
/// the form around it, whichever megabyte the server means.
pub const MAX_UPLOAD_BYTES: usize = 24 * 1000 * 1000;

/// Smallest upload limit accepted (a few seconds of audio), so a request is never all overhead.
const MIN_UPLOAD_BYTES: usize = 64 * 1000;

/// Servers and models (`base_url model`) that refused `verbose_json` in this process.
static PLAIN_JSON_ONLY: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// A transcription server speaking OpenAI's `audio/transcriptions` API.
pub struct CloudTranscriber {
    endpoint: Endpoint,
    http: HttpOptions,
    max_upload_bytes: usize,
}

impl std::fmt::Debug for CloudTranscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudTranscriber").field("base_url", &self.endpoint.base_url).field("model", &self.endpoint.model).finish()
    }
}

/// How the server is asked to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Segments with start and end times.
    VerboseJson,
    /// Only the text.
    Json,
}

/// Why one pass over the call stopped.
enum Stop {
    VerboseRefused,
    Failed(SttError),
}

impl From<SttError> for Stop {
    fn from(e: SttError) -> Stop {
        Stop::Failed(e)
    }
}

impl CloudTranscriber {
    /// A transcriber for `endpoint` (an empty key sends no `Authorization` header, for a local
    /// server); fails when the key cannot be sent in a header.
    pub fn new(mut endpoint: Endpoint, http: HttpOptions) -> Result<CloudTranscriber, SttError> {
        endpoint.base_url = endpoint.base_url.trim().trim_end_matches('/').to_string();
        endpoint.model = endpoint.model.trim().to_string();
        let transcriber = CloudTranscriber { endpoint, http, max_upload_bytes: MAX_UPLOAD_BYTES };
        transcriber.client()?;
        Ok(transcriber)
    }

    /// The same transcriber with a smaller (or larger) upload limit, for a server that takes
    /// less than OpenAI's 25 MB.
    pub fn with_max_upload_bytes(mut self, bytes: usize) -> CloudTranscriber {
        self.max_upload_bytes = bytes.max(MIN_UPLOAD_BYTES);
        self
    }

    fn provider(&self) -> String {
        server_name(&self.endpoint.base_url)
    }

    fn client(&self) -> Result<HttpClient, SttError> {
        HttpClient::new(&self.provider(), &self.endpoint.key, KeyHeader { name: "authorization", prefix: "Bearer " }, self.http.clone())
            .map_err(|e| self.stt_error(e))
    }

    fn memory_key(&self) -> String {
        format!("{} {}", self.endpoint.base_url, self.endpoint.model)
    }

    /// Transcribe every channel's uploads in `format`.
    async fn run(&self, clip: &AudioClip, options: &TranscribeOptions, format: Format, progress: ProgressSink<'_>) -> Result<Vec<Segment>, Stop> {
        let client = self.client()?;
        let streams = speaker_channels(clip, options.swap_channels);
        let channels: Vec<&[f32]> = streams.iter().map(|(s, _)| s.as_ref()).collect();
        let filter = options.vad_model.as_deref().map(SpeechFilter::load).transpose()?;
        let mut uploads: Vec<(Spliced, Speaker)> = Vec::new();
        for ((samples, speaker), regions) in streams.iter().zip(speech_regions(&channels, clip.sample_rate_hz)) {
            let regions = match &filter {
                Some(f) => f.refine(samples, regions, clip.sample_rate_hz)?,
                None => regions,
            };
            let one_each = format == Format::Json;
            for group in plan_uploads(samples, &regions, clip.sample_rate_hz, self.max_upload_bytes, one_each) {
                uploads.push((Spliced::join(samples, &group, clip.sample_rate_hz), *speaker));
            }
        }
        let total: usize = uploads.iter().map(|(s, _)| s.samples.len()).sum::<usize>().max(1);
        let mut done = 0;
        let mut segments = Vec::new();
        for (n, (splice, speaker)) in uploads.iter().enumerate() {
            let file_name = format!("{}-{}.wav", speaker.label(), n + 1);
            let answer = self.ask(&client, &wav(&splice.samples, clip.sample_rate_hz), &file_name, options, format).await?;
            segments.extend(call_segments(&answer, splice, *speaker));
            done += splice.samples.len();
            progress(Progress { stage: Stage::Transcribing, fraction: done as f32 / total as f32 });
        }
        Ok(segments)
    }

    /// One upload: the WAV and the form fields, the answer read.
    async fn ask(&self, client: &HttpClient, wav: &[u8], file_name: &str, options: &TranscribeOptions, format: Format) -> Result<Answer, Stop> {
        let mut form = Multipart::new()
            .text("model", &self.endpoint.model)
            .text("response_format", if format == Format::VerboseJson { "verbose_json" } else { "json" })
            .text("temperature", "0");
        if format == Format::VerboseJson {
            // Word times let a segment that runs over two of the speaker's turns be split
            // where the other speaker talked in between.
            form = form.text("timestamp_granularities[]", "segment").text("timestamp_granularities[]", "word");
        }
        if options.language != "auto" {
            form = form.text("language", &options.language);
        }
        let (content_type, body) = form.file("file", file_name, "audio/wav", wav).finish();
        let url = format!("{}/audio/transcriptions", self.endpoint.base_url);
        let reply = client.post(LlmStage::Transcription, &url, &content_type, body).await.map_err(|e| self.stt_error(e))?;
        if format == Format::VerboseJson && refuses_verbose_json(&reply) {
            return Err(Stop::VerboseRefused);
        }
        if reply.status == StatusCode::PAYLOAD_TOO_LARGE {
            let detail = format!(
                "an upload of {:.1} MB is too large for it (HTTP 413); it takes less than OpenAI's 25 MB. Transcribe locally, or use a server that takes 25 MB",
                wav.len() as f64 / 1e6
            );
            return Err(SttError::CloudRefused { provider: self.provider(), detail }.into());
        }
        if reply.status == StatusCode::NOT_FOUND {
            // Ollama and llama.cpp's server speak chat/completions but not transcription.
            let detail = format!(
                "it has no {url} (HTTP 404). Check the server address (setting openai_base_url, usually ending in /v1) and that this server offers audio/transcriptions, or set transcription to local"
            );
            return Err(SttError::CloudRefused { provider: self.provider(), detail }.into());
        }
        if !reply.status.is_success() {
            return Err(self.stt_error(client.refusal(LlmStage::Transcription, &reply)).into());
        }
        let answer: Answer = serde_json::from_slice(&reply.body).map_err(|e| SttError::CloudBadAnswer {
            provider: self.provider(),
            detail: format!("it is not transcription JSON ({e}): {}", reply.text().chars().take(200).collect::<String>()),
        })?;
        if answer.segments.is_none() && answer.text.is_none() {
            let detail = "it has neither `segments` nor `text`".to_string();
            return Err(SttError::CloudBadAnswer { provider: self.provider(), detail }.into());
        }
        Ok(answer)
    }

    /// The HTTP layer's error, said about transcription.
    fn stt_error(&self, e: LlmError) -> SttError {
        match e {
            LlmError::Unreachable { provider, detail, .. } => SttError::CloudUnreachable { provider, detail },
            LlmError::RateLimited { provider, detail, .. } => SttError::CloudRateLimited { provider, detail },
            LlmError::Unauthorized { provider, .. } => SttError::CloudUnauthorized { provider },
            LlmError::BadResponse { provider, detail, .. } => SttError::CloudBadAnswer { provider, detail },
            LlmError::Rejected { provider, detail, .. } => SttError::CloudRefused { provider, detail },
            LlmError::Setup { provider, detail } | LlmError::Recording { provider, detail } => SttError::CloudSetup { provider, detail },
            LlmError::Cancelled => SttError::Cancelled,
        }
    }
}

impl Transcriber for CloudTranscriber {
    fn name(&self) -> String {
        format!("openai {}", self.endpoint.model)
    }

    fn transcribe(&self, clip: &AudioClip, options: &TranscribeOptions, progress: ProgressSink<'_>, cancel: &CancelToken) -> Result<Transcript, SttError> {
        options.validate()?;
        if clip.sample_rate_hz != WHISPER_SAMPLE_RATE_HZ {
            return Err(SttError::WrongSampleRate { sample_rate_hz: clip.sample_rate_hz });
        }
        progress(Progress { stage: Stage::Transcribing, fraction: 0.0 });
        // Called on a blocking thread (or from a synchronous shell): a private runtime drives
        // the requests, and cancelling drops the request in flight.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SttError::CloudSetup { provider: self.provider(), detail: format!("no async runtime could be started ({e})") })?;
        let work = async {
            let plain = PLAIN_JSON_ONLY.lock().unwrap_or_else(|p| p.into_inner()).contains(&self.memory_key());
            let format = if plain { Format::Json } else { Format::VerboseJson };
            match self.run(clip, options, format, progress).await {
                Err(Stop::VerboseRefused) => {
                    tracing::info!(server = %self.endpoint.base_url, model = %self.endpoint.model, "verbose_json refused; asking for json, one speech region per request");
                    PLAIN_JSON_ONLY.lock().unwrap_or_else(|p| p.into_inner()).insert(self.memory_key());
                    self.run(clip, options, Format::Json, progress).await
                }
                other => other,
            }
        };
        let outcome = runtime.block_on(async {
            tokio::select! {
                outcome = work => Some(outcome),
                () = cancelled(cancel) => None,
            }
        });
        let mut segments = match outcome {
            None => return Err(SttError::Cancelled),
            Some(Ok(segments)) => segments,
            Some(Err(Stop::Failed(e))) => return Err(e),
            Some(Err(Stop::VerboseRefused)) => {
                let detail = "it refused verbose_json and then json too".to_string();
                return Err(SttError::CloudRefused { provider: self.provider(), detail });
            }
        };
        segments.sort_by_key(|s| (s.start_ms, s.end_ms));
        progress(Progress { stage: Stage::Transcribing, fraction: 1.0 });
        Ok(Transcript { segments, duration_ms: clip.duration_ms() })
    }
}

/// Resolves once `cancel` is set.
async fn cancelled(cancel: &CancelToken) {
    while !cancel.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A 400 about the response format (or the format with this model).
fn refuses_verbose_json(reply: &Reply) -> bool {
    let text = reply.text().to_lowercase();
    reply.status == StatusCode::BAD_REQUEST && (text.contains("response_format") || text.contains("verbose_json"))
}
