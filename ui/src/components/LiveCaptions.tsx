import { useEffect, useRef } from "react";
import type { CallSide } from "../api";
import { clock, type Caption } from "../state/live";

const WHO: Record<CallSide, string> = { agent: "Agent", customer: "Customer" };

/**
 * Captions by speaker, scrolling with the call: settled lines as they are, each speaker's
 * revisable line after them in a lighter style. Stays where the user scrolled to when they
 * scroll up to read.
 */
export function LiveCaptions({ finals, partials }: { finals: Caption[]; partials: Partial<Record<CallSide, Caption>> }) {
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const pending = (["agent", "customer"] as CallSide[]).flatMap((s) => (partials[s] ? [partials[s] as Caption] : []));

  useEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [finals, partials]);

  function onScroll() {
    const el = box.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  if (finals.length === 0 && pending.length === 0) {
    return <p className="empty" data-testid="captions-empty">Captions appear here as both sides speak.</p>;
  }
  return (
    <div className="captions" ref={box} onScroll={onScroll} aria-live="polite" aria-label="Live captions" data-testid="captions">
      {finals.map((c, i) => (
        <p key={`${c.speaker}-${c.start_ms}-${i}`} className={`caption caption-${c.speaker}`} data-testid="caption-final">
          <span className="caption-time">{clock(c.start_ms)}</span> <span className="caption-who">{WHO[c.speaker]}</span> {c.text}
        </p>
      ))}
      {pending.map((c) => (
        <p key={`partial-${c.speaker}`} className={`caption caption-${c.speaker} caption-partial`} data-testid="caption-partial">
          <span className="caption-time">{clock(c.start_ms)}</span> <span className="caption-who">{WHO[c.speaker]}</span> {c.text}
        </p>
      ))}
    </div>
  );
}
