import type { CallSide } from "../api";

const LABELS: Record<CallSide, string> = { agent: "Agent (microphone)", customer: "Customer (system audio)" };

/** One side's level, in percent, as a bar; a lost device is shown as such rather than as silence. */
export function LevelMeter({ side, level, lost }: { side: CallSide; level: number; lost: boolean }) {
  const percent = Math.round(Math.min(100, Math.max(0, level)));
  return (
    <div className={`meter meter-${side}${lost ? " meter-lost" : ""}`} data-testid={`meter-${side}`}>
      <span className="meter-label">{LABELS[side]}</span>
      <div className="meter-track" role="meter" aria-label={`${LABELS[side]} level`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="meter-fill" style={{ width: `${percent}%` }} />
      </div>
      {lost && <span className="meter-state">device lost</span>}
    </div>
  );
}
