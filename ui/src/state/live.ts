// A live call as the Live screen shows it, folded from `live-event` events: where the call is
// (idle → starting → recording → analysing → stored), both channels' levels, captions by
// speaker (settled ones kept, each speaker's revisable one replaced in place), talk time, and
// the devices that went away.
import type { CallSide, JobUpdate, LiveEvent } from "../api";

export type Caption = { speaker: CallSide; start_ms: number; end_ms: number; text: string };

export type LivePhase =
  | { kind: "idle" }
  | { kind: "starting" }
  | { kind: "recording"; started_at: string }
  | { kind: "analysing"; duration_ms: number; job_id: number | null }
  | { kind: "stored"; call_id: number }
  | { kind: "failed"; message: string };

export type LiveState = {
  phase: LivePhase;
  /** Level of each side in the last moment, in percent. */
  levels: Record<CallSide, number>;
  elapsed_ms: number;
  /** Settled captions in call order; never changed once here. */
  finals: Caption[];
  /** Each speaker's words since their last final, still revisable. */
  partials: Partial<Record<CallSide, Caption>>;
  /** Speech time of each side, from settled captions. */
  talk_ms: Record<CallSide, number>;
  /** Devices lost during the call, in words. */
  lost: { speaker: CallSide; device: string; at_ms: number }[];
  /** Audio the captions skipped to keep up (the recording keeps it). */
  skipped_ms: number;
  /** Devices in use, in words, for the header. */
  devices: { microphone: string | null; system: string | null };
  notice: string | null;
};

/** Settled captions kept on screen; older ones are in the recording and the stored call. */
export const MAX_FINALS = 500;

export const initialLive: LiveState = {
  phase: { kind: "idle" },
  levels: { agent: 0, customer: 0 },
  elapsed_ms: 0,
  finals: [],
  partials: {},
  talk_ms: { agent: 0, customer: 0 },
  lost: [],
  skipped_ms: 0,
  devices: { microphone: null, system: null },
  notice: null,
};

/** Whether a call is being captured (or about to be): Start turns into Stop. */
export function isLive(state: LiveState): boolean {
  return state.phase.kind === "starting" || state.phase.kind === "recording";
}

/** The state when the user presses Start, before the engine answers. */
export function starting(state: LiveState): LiveState {
  return { ...initialLive, phase: { kind: "starting" }, devices: state.devices };
}

/** The state with one event applied. */
export function applyLive(state: LiveState, event: LiveEvent): LiveState {
  switch (event.kind) {
    case "started":
      return {
        ...initialLive,
        phase: { kind: "recording", started_at: event.started_at },
        devices: { microphone: event.microphone, system: event.system },
        notice: event.notice,
      };
    case "levels":
      if (state.phase.kind !== "recording") return state;
      return { ...state, levels: { agent: event.agent, customer: event.customer }, elapsed_ms: Math.max(state.elapsed_ms, event.elapsed_ms) };
    case "caption": {
      const caption: Caption = { speaker: event.speaker, start_ms: event.start_ms, end_ms: event.end_ms, text: event.text };
      if (!event.is_final) {
        const partials = { ...state.partials };
        if (caption.text.trim() === "") delete partials[event.speaker];
        else partials[event.speaker] = caption;
        return { ...state, partials };
      }
      const partials = { ...state.partials };
      delete partials[event.speaker];
      const finals = insertInOrder(state.finals, caption).slice(-MAX_FINALS);
      const talk_ms = { ...state.talk_ms, [event.speaker]: state.talk_ms[event.speaker] + Math.max(0, event.end_ms - event.start_ms) };
      return { ...state, finals, partials, talk_ms };
    }
    case "skipped":
      return { ...state, skipped_ms: state.skipped_ms + Math.max(0, event.end_ms - event.start_ms) };
    case "device_lost":
      return { ...state, lost: [...state.lost, { speaker: event.speaker, device: event.device, at_ms: event.at_ms }] };
    case "stopped":
      return { ...state, phase: { kind: "analysing", duration_ms: event.duration_ms, job_id: event.job_id }, partials: {}, levels: { agent: 0, customer: 0 } };
    case "stored":
      // A previous call's analysis finishing while the next call records changes nothing here.
      if (state.phase.kind !== "analysing") return state;
      return { ...state, phase: { kind: "stored", call_id: event.call_id } };
    case "failed":
      return { ...state, phase: { kind: "failed", message: event.message }, partials: {}, levels: { agent: 0, customer: 0 } };
  }
}

/** A pause shorter than this continues the speaker's line rather than starting a new one. */
export const SAME_LINE_GAP_MS = 1500;

/**
 * Captions of both speakers arrive separately; show them by when they were said. Words settled
 * a few at a time continue their speaker's line when nobody spoke in between and the pause was
 * short, so a sentence reads as one line.
 */
function insertInOrder(finals: Caption[], caption: Caption): Caption[] {
  let at = finals.length;
  while (at > 0 && finals[at - 1].start_ms > caption.start_ms) at -= 1;
  const before = finals[at - 1];
  if (before && before.speaker === caption.speaker && caption.start_ms - before.end_ms < SAME_LINE_GAP_MS) {
    const joined = { ...before, end_ms: Math.max(before.end_ms, caption.end_ms), text: `${before.text} ${caption.text}`.trim() };
    return [...finals.slice(0, at - 1), joined, ...finals.slice(at)];
  }
  return [...finals.slice(0, at), caption, ...finals.slice(at)];
}

/** The agent's share of the talk so far, 0–100, or null before anyone has spoken. */
export function agentTalkPercent(state: LiveState): number | null {
  const total = state.talk_ms.agent + state.talk_ms.customer;
  return total === 0 ? null : Math.round((100 * state.talk_ms.agent) / total);
}

/** "4:07", "1:02:33". */
export function clock(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** The state after an analysis job's update: the live call's own job ends the call. */
export function followJob(state: LiveState, update: JobUpdate): LiveState {
  if (state.phase.kind !== "analysing" || state.phase.job_id !== update.job_id) return state;
  if (update.state.kind === "done") return applyLive(state, { kind: "stored", call_id: update.state.call_id });
  if (update.state.kind === "failed") return applyLive(state, { kind: "failed", message: update.state.message });
  if (update.state.kind === "cancelled") return applyLive(state, { kind: "failed", message: "The analysis was cancelled; the recording is kept in the data folder and can be analysed again." });
  return state;
}
