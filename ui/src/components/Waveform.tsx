import { useEffect, useState } from "react";
import { api, type Waveform as WaveformShape } from "../api";
import { clock } from "../format";

type Props = { callId: number; durationMs: number; positionMs: number; onSeek: (ms: number) => void };

/** Buckets asked for: about one per two pixels of a wide window. */
const BUCKETS = 600;
const HEIGHT = 80;

/** The recording's shape: agent above the line, customer below; click to play from there. */
export function Waveform({ callId, durationMs, positionMs, onSeek }: Props) {
  const [shape, setShape] = useState<WaveformShape | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.callWaveform(callId, BUCKETS).then(setShape, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [callId]);

  if (error) return <p className="inline-error" role="alert">{error}</p>;
  if (!shape) return <div className="waveform loading" aria-hidden="true" />;
  const [top, bottom] = [shape.peaks[0] ?? [], shape.peaks[1] ?? shape.peaks[0] ?? []];
  const n = Math.max(top.length, 1);
  const mid = HEIGHT / 2;
  const total = Math.max(durationMs, 1);
  const bars = (peaks: (number | null)[], dir: 1 | -1, cls: string) =>
    peaks.map((p, i) => {
      const h = Math.max(0.5, (p ?? 0) * (mid - 2));
      return <rect key={`${cls}-${i}`} x={i} width={0.7} y={dir === 1 ? mid - h : mid} height={h} className={cls} />;
    });
  return (
    <svg
      className="waveform"
      viewBox={`0 0 ${n} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Waveform of the recording (${clock(durationMs)}): agent above, customer below`}
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onSeek(((e.clientX - box.left) / box.width) * total);
      }}
    >
      {bars(top, 1, shape.peaks.length > 1 ? "wf-agent" : "wf-unknown")}
      {bars(bottom, -1, shape.peaks.length > 1 ? "wf-customer" : "wf-unknown")}
      <line x1={(positionMs / total) * n} x2={(positionMs / total) * n} y1={0} y2={HEIGHT} className="wf-cursor" />
    </svg>
  );
}
