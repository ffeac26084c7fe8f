import { describe, expect, it } from "vitest";
import type { JobState, JobUpdate, LiveEvent } from "../api";
import { agentTalkPercent, applyLive, clock, followJob, initialLive, isLive, MAX_FINALS, starting } from "./live";

const started: LiveEvent = { kind: "started", started_at: "2026-12-07T15:00:00Z", microphone: "Headset", system: "Monitor of Speakers", notice: null };
const caption = (speaker: "agent" | "customer", start_ms: number, end_ms: number, text: string, is_final: boolean): LiveEvent => ({
  kind: "caption",
  speaker,
  start_ms,
  end_ms,
  text,
  is_final,
});

describe("live call state", () => {
  it("goes from idle to recording to analysing to stored", () => {
    let s = starting(initialLive);
    expect(isLive(s)).toBe(true);
    s = applyLive(s, started);
    expect(s.phase).toEqual({ kind: "recording", started_at: "2026-12-07T15:00:00Z" });
    expect(s.devices).toEqual({ microphone: "Headset", system: "Monitor of Speakers" });
    s = applyLive(s, { kind: "stopped", duration_ms: 61_000, job_id: 4 });
    expect(isLive(s)).toBe(false);
    expect(s.phase).toEqual({ kind: "analysing", duration_ms: 61_000, job_id: 4 });
    s = applyLive(s, { kind: "stored", call_id: 17 });
    expect(s.phase).toEqual({ kind: "stored", call_id: 17 });
    // The previous call's analysis ending while the next one records does not end it.
    const next = applyLive(starting(s), started);
    expect(applyLive(next, { kind: "stored", call_id: 18 }).phase.kind).toBe("recording");
  });

  it("replaces a speaker's partial in place and clears it with their final", () => {
    let s = applyLive(initialLive, started);
    s = applyLive(s, caption("agent", 1000, 1800, "thanks for", false));
    s = applyLive(s, caption("customer", 1200, 1900, "hi", false));
    s = applyLive(s, caption("agent", 1000, 2600, "thanks for calling", false));
    expect(s.partials.agent?.text).toBe("thanks for calling");
    expect(s.partials.customer?.text).toBe("hi");
    expect(s.finals).toHaveLength(0);
    s = applyLive(s, caption("agent", 1000, 2900, "Thanks for calling.", true));
    expect(s.partials.agent).toBeUndefined();
    expect(s.partials.customer?.text).toBe("hi");
    expect(s.finals.map((c) => c.text)).toEqual(["Thanks for calling."]);
    s = applyLive(s, caption("customer", 1200, 1900, "", false));
    expect(s.partials.customer).toBeUndefined();
  });

  it("orders finals of both speakers by when they were said and counts talk time", () => {
    let s = applyLive(initialLive, started);
    s = applyLive(s, caption("agent", 5000, 8000, "second", true));
    s = applyLive(s, caption("customer", 1000, 2000, "first", true));
    s = applyLive(s, caption("agent", 9500, 10_000, "third", true));
    expect(s.finals.map((c) => c.text)).toEqual(["first", "second", "third"]);
    expect(s.talk_ms).toEqual({ agent: 3500, customer: 1000 });
    expect(agentTalkPercent(s)).toBe(78);
    // Words settled a few at a time right after each other make one line.
    s = applyLive(s, caption("agent", 10_200, 11_000, "and fourth", true));
    expect(s.finals.map((c) => c.text)).toEqual(["first", "second", "third and fourth"]);
    expect(s.finals[2]).toMatchObject({ start_ms: 9500, end_ms: 11_000 });
    expect(agentTalkPercent(initialLive)).toBeNull();
  });

  it("keeps a bounded number of finals", () => {
    let s = applyLive(initialLive, started);
    for (let i = 0; i < MAX_FINALS + 20; i++) s = applyLive(s, caption("agent", i * 4000, i * 4000 + 50, `line ${i}`, true));
    expect(s.finals).toHaveLength(MAX_FINALS);
    expect(s.finals[s.finals.length - 1].text).toBe(`line ${MAX_FINALS + 19}`);
  });

  it("records lost devices and skipped audio, and ignores levels outside a call", () => {
    expect(applyLive(initialLive, { kind: "levels", agent: 50, customer: 20, elapsed_ms: 900 })).toBe(initialLive);
    let s = applyLive(initialLive, started);
    s = applyLive(s, { kind: "levels", agent: 50, customer: 20, elapsed_ms: 900 });
    expect(s.levels).toEqual({ agent: 50, customer: 20 });
    expect(s.elapsed_ms).toBe(900);
    s = applyLive(s, { kind: "device_lost", speaker: "customer", device: "Monitor of Speakers", at_ms: 3000 });
    s = applyLive(s, { kind: "skipped", speaker: "agent", start_ms: 1000, end_ms: 4000 });
    expect(s.lost).toEqual([{ speaker: "customer", device: "Monitor of Speakers", at_ms: 3000 }]);
    expect(s.skipped_ms).toBe(3000);
    expect(isLive(s)).toBe(true);
  });

  it("shows a failure with its message", () => {
    const s = applyLive(applyLive(initialLive, started), { kind: "failed", message: "The disk is full: recording stopped at 4:02" });
    expect(s.phase).toEqual({ kind: "failed", message: "The disk is full: recording stopped at 4:02" });
    expect(isLive(s)).toBe(false);
  });

  it("formats elapsed time", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(247_000)).toBe("4:07");
    expect(clock(3_753_000)).toBe("1:02:33");
  });

  it("ends with the call's own analysis job, stored or failed", () => {
    const job = (job_id: number, state: JobState) => ({ job_id, file_name: "live.wav", path: "/data/recordings/live.wav", state }) as unknown as JobUpdate;
    const analysing = applyLive(applyLive(initialLive, started), { kind: "stopped", duration_ms: 5000, job_id: 7 });
    expect(followJob(analysing, job(6, { kind: "done", call_id: 1, domain: "d", category: "c" }))).toBe(analysing);
    expect(followJob(analysing, job(7, { kind: "running", stage: "transcribing", fraction: 0.5 }))).toBe(analysing);
    expect(followJob(analysing, job(7, { kind: "done", call_id: 31, domain: "d", category: "c" })).phase).toEqual({ kind: "stored", call_id: 31 });
    expect(followJob(analysing, job(7, { kind: "failed", message: "live.wav: no speech", missing_model: null })).phase).toEqual({ kind: "failed", message: "live.wav: no speech" });
    expect(followJob(initialLive, job(7, { kind: "done", call_id: 31, domain: "d", category: "c" }))).toBe(initialLive);
  });
});
