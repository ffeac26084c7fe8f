import { describe, expect, it } from "vitest";
import { activeCount, applyUpdate, describe as describeState, missingModelHint, withoutFinished, type Job } from "./jobs";

const job = (id: number, state: Job["state"]): Job => ({ job_id: id, file_name: `call_${id}.wav`, path: `/c/call_${id}.wav`, state });

describe("job list", () => {
  it("appends new jobs and replaces known ones in place", () => {
    let jobs: Job[] = [];
    jobs = applyUpdate(jobs, job(1, { kind: "queued" }));
    jobs = applyUpdate(jobs, job(2, { kind: "queued" }));
    jobs = applyUpdate(jobs, job(1, { kind: "running", stage: "transcribing", fraction: 0.25 }));
    expect(jobs.map((j) => [j.job_id, j.state.kind])).toEqual([
      [1, "running"],
      [2, "queued"],
    ]);
  });

  it("ignores a late progress event for a finished job", () => {
    const done = [job(1, { kind: "done", call_id: 9, domain: "retail", category: "order_status" })];
    expect(applyUpdate(done, job(1, { kind: "running", stage: "saving", fraction: 1 }))).toBe(done);
  });

  it("counts active jobs and clears finished ones", () => {
    const jobs = [job(1, { kind: "failed", message: "x.wav: unreadable", missing_model: null }), job(2, { kind: "queued" }), job(3, { kind: "cancelled" })];
    expect(activeCount(jobs)).toBe(1);
    expect(withoutFinished(jobs).map((j) => j.job_id)).toEqual([2]);
  });

  it("describes a running stage with its percentage", () => {
    expect(describeState({ kind: "running", stage: "transcribing", fraction: 0.426 })).toEqual({ label: "Transcribing", percent: 43 });
    expect(describeState({ kind: "queued" })).toEqual({ label: "Waiting", percent: null });
  });

  it("says how to install a missing speech model, and nothing for other failures", () => {
    expect(missingModelHint({ kind: "failed", message: "the speech model small (q8_0) is not installed", missing_model: "small" })).toBe(
      "Install the model ‘small’ with `callscope models install small`, or choose an installed model in Settings.",
    );
    expect(missingModelHint({ kind: "failed", message: "x.wav: unreadable", missing_model: null })).toBeNull();
    expect(missingModelHint({ kind: "queued" })).toBeNull();
  });
});
