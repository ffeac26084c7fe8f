import { useEffect, useRef } from "react";
import type { Segment } from "../api";
import { clock, words } from "../format";

type Props = { segments: Segment[]; positionMs: number; onSeek: (ms: number) => void };

/** Index of the segment playing at `ms` (the last one started), or -1 before the first. */
export function currentSegment(segments: Segment[], ms: number): number {
  let found = -1;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i].start_ms <= ms) found = i;
    else break;
  }
  return found;
}

/** The transcript, one line per segment, coloured by speaker; a line's time seeks the audio.
 * The speaker is written where the speaker changes; lines that continue a turn keep it for
 * screen readers only. */
export function Transcript({ segments, positionMs, onSeek }: Props) {
  const current = currentSegment(segments, positionMs);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (current < 0) return;
    const line = list.current?.children[current] as HTMLElement | undefined;
    line?.scrollIntoView?.({ block: "nearest" });
  }, [current]);

  if (segments.length === 0) return <p className="empty">No speech was found in this recording.</p>;
  return (
    <ol className="transcript" ref={list} data-testid="transcript">
      {segments.map((s, i) => {
        const continues = i > 0 && segments[i - 1].speaker === s.speaker;
        return (
          <li key={i} className={`line speaker-${s.speaker}${i === current && positionMs > 0 ? " current" : ""}`} aria-current={i === current && positionMs > 0 ? "true" : undefined}>
            <button type="button" className="time" onClick={() => onSeek(s.start_ms)} aria-label={`Play from ${clock(s.start_ms)}`}>
              {clock(s.start_ms)}
            </button>
            <span className="who">{continues ? <span className="visually-hidden">{words(s.speaker)}</span> : words(s.speaker)}</span>
            <span className="text">{s.text}</span>
          </li>
        );
      })}
    </ol>
  );
}
