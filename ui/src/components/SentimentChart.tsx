import type { Segment, TurnSentiment } from "../api";
import { clock } from "../format";

type Props = { turns: TurnSentiment[]; segments: Segment[]; durationMs: number; onSeek: (ms: number) => void };

const WIDTH = 600;
const HEIGHT = 160;
const PAD = 8;

/** Per-turn sentiment (−1…1) along the call, one line per speaker. Click a point to seek. */
export function SentimentChart({ turns, segments, durationMs, onSeek }: Props) {
  if (turns.length === 0) return <p className="empty">No per-turn sentiment for this call.</p>;
  const total = Math.max(durationMs, 1);
  const x = (ms: number) => PAD + (ms / total) * (WIDTH - 2 * PAD);
  const y = (raw: number | null) => {
    const score = raw ?? 0;
    return HEIGHT / 2 - (Math.max(-1, Math.min(1, score)) * (HEIGHT / 2 - PAD));
  };
  const bySpeaker = (speaker: string) => turns.filter((t) => (segments[t.segment]?.speaker ?? "unknown") === speaker);
  const series = ["agent", "customer", "unknown"].map((speaker) => ({ speaker, points: bySpeaker(speaker) })).filter((s) => s.points.length > 0);
  return (
    <figure className="sentiment">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Sentiment over time for ${series.map((s) => s.speaker).join(" and ")}`}>
        <line x1={PAD} x2={WIDTH - PAD} y1={y(0)} y2={y(0)} className="axis" />
        <text x={PAD} y={y(1) + 10} className="axis-label">positive</text>
        <text x={PAD} y={y(-1) - 2} className="axis-label">negative</text>
        {series.map((s) => (
          <g key={s.speaker} className={`series-${s.speaker}`}>
            <polyline points={s.points.map((p) => `${x(p.start_ms)},${y(p.score)}`).join(" ")} fill="none" />
            {s.points.map((p, i) => (
              <circle key={i} cx={x(p.start_ms)} cy={y(p.score)} r={4} onClick={() => onSeek(p.start_ms)}>
                <title>{`${s.speaker} at ${clock(p.start_ms)}: ${(p.score ?? 0).toFixed(2)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.speaker}>
            <i className={`swatch tl-${s.speaker}`} /> {s.speaker}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
