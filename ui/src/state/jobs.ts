// The analysis queue as the Analyze screen shows it: one entry per job, in the order queued,
// updated in place by `job-event` events.
import type { JobState, JobUpdate, Stage } from "../api";

export type Job = JobUpdate;

/** Whether a job will change no more. */
export function isFinished(state: JobState): boolean {
  return state.kind === "done" || state.kind === "failed" || state.kind === "cancelled";
}

/** The list with `update` applied: replaces the job with the same id or appends it. */
export function applyUpdate(jobs: Job[], update: JobUpdate): Job[] {
  const at = jobs.findIndex((j) => j.job_id === update.job_id);
  if (at === -1) return [...jobs, update];
  // A late progress event must not undo a finished state.
  if (isFinished(jobs[at].state) && !isFinished(update.state)) return jobs;
  const next = jobs.slice();
  next[at] = update;
  return next;
}

/** Jobs that are queued or running. */
export function activeCount(jobs: Job[]): number {
  return jobs.filter((j) => !isFinished(j.state)).length;
}

/** The list without finished jobs. */
export function withoutFinished(jobs: Job[]): Job[] {
  return jobs.filter((j) => !isFinished(j.state));
}

const STAGE_NAMES: Record<Stage, string> = {
  decoding: "Decoding audio",
  transcribing: "Transcribing",
  detecting: "Detecting domain",
  extracting: "Extracting fields",
  measuring: "Measuring talk time",
  redacting: "Redacting personal data",
  saving: "Saving",
  done: "Finishing",
};

/** What a job is doing, in words, and how far along it is (0–100) when running. */
export function describe(state: JobState): { label: string; percent: number | null } {
  switch (state.kind) {
    case "queued":
      return { label: "Waiting", percent: null };
    case "running":
      return { label: STAGE_NAMES[state.stage] ?? state.stage, percent: Math.round((state.fraction ?? 0) * 100) };
    case "done":
      return { label: "Done", percent: 100 };
    case "failed":
      return { label: "Failed", percent: null };
    case "cancelled":
      return { label: "Cancelled", percent: null };
  }
}

/** What to do about a job that failed because its speech model is not installed, or null. */
export function missingModelHint(state: JobState): string | null {
  if (state.kind !== "failed" || !state.missing_model) return null;
  const model = state.missing_model;
  return `Install the model ‘${model}’ with \`callscope models install ${model}\`, or choose an installed model in Settings.`;
}
