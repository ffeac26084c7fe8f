import type { Segment } from "../api";
import { clock } from "../format";

type Props = { segments: Segment[]; durationMs: number; positionMs: number; onSeek: (ms: number) => void };

const WIDTH = 1000;
const LANE = 18;

/** Spans of time in which both speakers talk at once. */
export function overlaps(segments: Segment[]): { start: number; end: number }[] {
  const agent = segments.filter((s) => s.speaker === "agent");
  const customer = segments.filter((s) => s.speaker === "customer");
  const out: { start: number; end: number }[] = [];
  for (const a of agent) {
    for (const c of customer) {
      const start = Math.max(a.start_ms, c.start_ms);
      const end = Math.min(a.end_ms, c.end_ms);
      if (end > start) out.push({ start, end });
    }
  }
  return out.sort((x, y) => x.start - y.start);
}

/** Who talks when: agent and customer lanes, overtalk in between; gaps are silence. Click to seek. */
export function TalkTimeline({ segments, durationMs, positionMs, onSeek }: Props) {
  const total = Math.max(durationMs, 1);
  const x = (ms: number) => (ms / total) * WIDTH;
  const lanes: { speaker: string; y: number }[] = [
    { speaker: "agent", y: 0 },
    { speaker: "customer", y: LANE * 2 },
  ];
  const over = overlaps(segments);
  return (
    <figure className="timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${LANE * 3}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Talk timeline: agent and customer speech over ${clock(durationMs)}; ${over.length} overtalk spans`}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          onSeek(((e.clientX - box.left) / box.width) * total);
        }}
      >
        <rect x={0} y={0} width={WIDTH} height={LANE * 3} className="tl-bg" />
        {lanes.map((lane) =>
          segments
            .filter((s) => s.speaker === lane.speaker || (s.speaker === "unknown" && lane.speaker === "agent"))
            .map((s, i) => (
              <rect key={`${lane.speaker}-${i}`} x={x(s.start_ms)} y={lane.y} width={Math.max(1, x(s.end_ms) - x(s.start_ms))} height={LANE} className={`tl-${s.speaker}`} />
            )),
        )}
        {over.map((o, i) => (
          <rect key={`o-${i}`} x={x(o.start)} y={LANE} width={Math.max(1, x(o.end) - x(o.start))} height={LANE} className="tl-overtalk" />
        ))}
        <line x1={x(positionMs)} x2={x(positionMs)} y1={0} y2={LANE * 3} className="tl-cursor" />
      </svg>
      <figcaption className="legend">
        <span><i className="swatch tl-agent" /> Agent</span>
        <span><i className="swatch tl-customer" /> Customer</span>
        <span><i className="swatch tl-overtalk" /> Overtalk</span>
        <span><i className="swatch tl-bg" /> Silence</span>
        <span className="spacer" />
        <span className="muted small">0:00 – {clock(durationMs)}</span>
      </figcaption>
    </figure>
  );
}
