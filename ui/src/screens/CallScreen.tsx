import { useEffect, useRef, useState } from "react";
import { api, type CallDetail, type CallExportFormat } from "../api";
import { clock, pct, when, words } from "../format";
import { AudioPlayer, type PlayerHandle } from "../components/AudioPlayer";
import { Transcript } from "../components/Transcript";
import { FieldsTable } from "../components/FieldsTable";
import { TalkTimeline } from "../components/TalkTimeline";
import { SentimentChart } from "../components/SentimentChart";
import { MetricsPanel } from "../components/MetricsPanel";

type Props = { id: number; back: () => void };

const EXPORTS: CallExportFormat[] = ["json", "csv", "srt", "vtt"];

/** Everything about one call: audio, transcript, fields, metrics, charts, summary. */
export function CallScreen({ id, back }: Props) {
  const [detail, setDetail] = useState<CallDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [positionMs, setPositionMs] = useState(0);
  const [redact, setRedact] = useState(true);
  const [reanalyzing, setReanalyzing] = useState(false);
  const player = useRef<PlayerHandle>(null);

  useEffect(() => {
    api.getCall(id).then(setDetail, (e: unknown) => setError(messageOf(e)));
  }, [id]);

  const call = detail?.call;

  async function exportAs(format: CallExportFormat) {
    if (!call) return;
    setNotice(null);
    try {
      const stem = call.file_name.replace(/\.[^.]+$/, "");
      const path = await api.pickExportPath(`${stem}.${format}`, format);
      if (path === null) return;
      await api.exportCall(id, format, redact, path);
      setNotice(`Exported ${call.file_name} to ${path}`);
    } catch (e) {
      setError(`${call.file_name}: export failed: ${messageOf(e)}`);
    }
  }

  async function reanalyze() {
    if (!call) return;
    setNotice(null);
    setError(null);
    setReanalyzing(true);
    try {
      const updated = await api.reanalyzeCall(id);
      setDetail(updated);
      setNotice(
        updated.call.analysis_error
          ? null
          : `Analysed ${call.file_name} again with ${updated.call.provider} (${updated.call.model}).`,
      );
    } catch (e) {
      setError(`${call.file_name}: could not be analysed again: ${messageOf(e)}`);
    } finally {
      setReanalyzing(false);
    }
  }

  async function remove() {
    if (!call || !window.confirm(`Delete ${call.file_name} and its analysis from the library?`)) return;
    try {
      await api.deleteCall(id);
      back();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  if (error && !call) {
    return (
      <section className="screen">
        <button type="button" className="link" onClick={back} data-testid="back-to-library">← Library</button>
        <p className="inline-error" role="alert">{error}</p>
      </section>
    );
  }
  if (!detail || !call) return <p className="muted screen">Loading call {id}…</p>;

  const seek = (ms: number) => player.current?.seek(ms);

  return (
    <section className="screen call" aria-labelledby="call-title">
      <div className="call-head">
        <button type="button" className="link" onClick={back} data-testid="back-to-library">← Library</button>
        <h1 id="call-title">{call.file_name}</h1>
        <p className="muted">
          {when(call.created_at)} · {clock(call.duration_ms)} · analysed by {call.provider} ({call.model})
          {call.transcriber && <> · transcribed by <span data-testid="transcriber">{call.transcriber}</span></>}
        </p>
        {detail.live && (
          <p className="muted small" data-testid="call-live">
            Recorded live from {detail.live.agent_device ?? "no microphone"} (agent) and {detail.live.customer_device ?? "no system audio"} (customer)
            {detail.live.recovered && <strong> · recovered after a crash: the last second before it may be missing</strong>}
          </p>
        )}
        <div className="row gap wrap">
          <span className="chip" data-testid="call-domain">{words(call.domain)}</span>
          <span className="chip subtle" data-testid="call-category">{words(call.category)}</span>
          <span className="muted small">confidence {pct((call.domain_confidence ?? 0) * 100)}</span>
          <span className={`chip sentiment-${call.general.sentiment}`}>{words(call.general.sentiment)} · {words(call.general.sentiment_trend)}</span>
          <span className="chip subtle">{words(call.general.resolution)}</span>
          <span className="spacer" />
          <label className="check small">
            <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} />
            Redact personal data
          </label>
          {EXPORTS.map((f) => (
            <button key={f} type="button" onClick={() => void exportAs(f)}>
              Export {f.toUpperCase()}
            </button>
          ))}
          <button type="button" onClick={() => void reanalyze()} disabled={reanalyzing} data-testid="reanalyze" title="Analyse the stored transcript again with the provider chosen in Settings">
            {reanalyzing ? "Analysing…" : "Re-analyse"}
          </button>
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        </div>
        {call.analysis_error && (
          <p className="inline-error" role="alert" data-testid="analysis-error">
            The fields of this call could not be extracted: {call.analysis_error}. Its transcript, metrics and
            summary are kept; press Re-analyse to try again.
          </p>
        )}
        {call.generic_prompt && (
          <p className="muted small" data-testid="generic-prompt">
            Fields were extracted with a generic prompt: the saved prompt for {words(call.domain)} / {words(call.category)} could not be read or made.
          </p>
        )}
        {error && <p className="inline-error" role="alert">{error}</p>}
        {notice && <p className="notice" role="status">{notice}</p>}
      </div>

      <AudioPlayer ref={player} callId={id} fileName={call.file_name} available={detail.audio_available} durationMs={call.duration_ms} positionMs={positionMs} onTime={setPositionMs} />

      <div className="call-grid">
        <div className="panel transcript-panel">
          <h2>Transcript</h2>
          <Transcript segments={call.transcription.segments} positionMs={positionMs} onSeek={seek} />
        </div>
        <div className="side">
          <div className="panel">
            <h2>People</h2>
            <dl className="facts">
              <dt>Agent</dt>
              <dd data-testid="agent-name">{call.general.agent_name ?? "—"}</dd>
              <dt>Customer</dt>
              <dd data-testid="customer-name">{call.general.customer_name ?? "—"}</dd>
              <dt>Reason</dt>
              <dd>{call.general.call_reason || "—"}</dd>
            </dl>
          </div>
          <div className="panel">
            <h2>Summary</h2>
            <p data-testid="summary">{call.summary}</p>
            {call.general.follow_up_actions.length > 0 && (
              <>
                <h3>Follow-ups</h3>
                <ul>
                  {call.general.follow_up_actions.map((a, i) => (
                    <li key={i}>{a}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
          <div className="panel">
            <h2>Fields</h2>
            <FieldsTable detail={detail} onChange={setDetail} onError={setError} />
          </div>
        </div>
      </div>

      <div className="panel">
        <h2>Talk and silence</h2>
        <TalkTimeline segments={call.transcription.segments} durationMs={call.duration_ms} positionMs={positionMs} onSeek={seek} />
      </div>
      <div className="call-grid two">
        <div className="panel">
          <h2>Sentiment over time</h2>
          <SentimentChart turns={call.turn_sentiments} segments={call.transcription.segments} durationMs={call.duration_ms} onSeek={seek} />
        </div>
        <div className="panel">
          <h2>Conversation</h2>
          <MetricsPanel metrics={call.metrics} />
          <h3>Token usage</h3>
          <p className="muted small" data-testid="tokens">
            {call.token_usage.total.total === 0
              ? "No tokens: analysed offline on this machine."
              : `${call.token_usage.total.input.toLocaleString()} in · ${call.token_usage.total.output.toLocaleString()} out (detection ${call.token_usage.stage1_transcription_and_detection.total}, analysis ${call.token_usage.stage2_combined_analysis.total}, prompt ${call.token_usage.prompt_generation.total})`}
          </p>
          {call.redactions.length > 0 && (
            <p className="muted small">
              {call.redactions.length} piece{call.redactions.length === 1 ? "" : "s"} of personal data redacted ({[...new Set(call.redactions.map((r) => r.type))].join(", ")}).
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
