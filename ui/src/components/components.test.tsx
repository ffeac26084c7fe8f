import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { CallView, SegmentView } from "../api";
import { JobList } from "./JobList";
import { Transcript, currentSegment } from "./Transcript";
import { FieldsTable } from "./FieldsTable";
import { overlaps } from "./TalkTimeline";

afterEach(() => {
  cleanup();
  clearMocks();
});

const segments: SegmentView[] = [
  { start_ms: 0, end_ms: 4382, speaker: "agent", text: "Thanks for calling Nordic Home orders.", confidence: 0.9 },
  { start_ms: 4000, end_ms: 11546, speaker: "customer", text: "The name's Ethan Park.", confidence: 0.9 },
  { start_ms: 12046, end_ms: 22945, speaker: "agent", text: "It shipped with FedEx.", confidence: 0.9 },
];

describe("JobList", () => {
  it("shows a failed file's error inline with its name, and progress for a running one", () => {
    render(
      <JobList
        jobs={[
          { job_id: 1, file_name: "broken.mp3", path: "/c/broken.mp3", state: { kind: "failed", message: "broken.mp3: not an audio file" } },
          { job_id: 2, file_name: "call_12.wav", path: "/c/call_12.wav", state: { kind: "running", stage: "transcribing", fraction: 0.5 } },
        ]}
        onCancel={() => undefined}
        onOpen={() => undefined}
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("broken.mp3: not an audio file");
    expect(screen.getByText(/Transcribing · 50 %/)).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "call_12.wav: Transcribing" })).toHaveAttribute("value", "50");
  });

  it("cancels a running job by its id", () => {
    const onCancel = vi.fn();
    render(
      <JobList jobs={[{ job_id: 7, file_name: "a.wav", path: "/a.wav", state: { kind: "queued" } }]} onCancel={onCancel} onOpen={() => undefined} />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Cancel a.wav" }));
    expect(onCancel).toHaveBeenCalledWith(7);
  });
});

describe("Transcript", () => {
  it("seeks to a line's start when its time is clicked and highlights the line playing", () => {
    const onSeek = vi.fn();
    render(<Transcript segments={segments} positionMs={13_000} onSeek={onSeek} />);
    fireEvent.click(screen.getByRole("button", { name: "Play from 0:04" }));
    expect(onSeek).toHaveBeenCalledWith(4000);
    expect(screen.getByText("It shipped with FedEx.").closest("li")).toHaveAttribute("aria-current", "true");
  });

  it("finds the segment playing at a time", () => {
    expect(currentSegment(segments, 0)).toBe(0);
    expect(currentSegment(segments, 11_000)).toBe(1);
  });
});

describe("TalkTimeline", () => {
  it("finds overtalk where agent and customer speak at once", () => {
    expect(overlaps(segments)).toEqual([{ start: 4000, end: 4382 }]);
  });
});

describe("FieldsTable", () => {
  it("saves a corrected value and marks the field as corrected", async () => {
    const call = { call_id: 3, file_name: "call_12.wav", fields: { order_number: "7741931" }, corrections: [] } as unknown as CallView;
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      return {
        ...call,
        fields: { order_number: "7741932" },
        corrections: [{ field: "order_number", original: "7741931", corrected: "7741932", corrected_at: "2025-11-20T10:00:00Z" }],
      };
    });
    let current = call;
    const { rerender } = render(<FieldsTable call={current} onChange={(c) => (current = c)} onError={() => undefined} />);
    fireEvent.click(screen.getByRole("button", { name: "Correct Order number" }));
    fireEvent.change(screen.getByRole("textbox", { name: "New value for Order number" }), { target: { value: "7741932" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(current).not.toBe(call));
    rerender(<FieldsTable call={current} onChange={(c) => (current = c)} onError={() => undefined} />);
    expect(sent).toEqual([{ cmd: "correct_field", args: { id: 3, field: "order_number", value: "7741932" } }]);
    expect(screen.getByTestId("field-order_number")).toHaveTextContent("7741932");
    expect(screen.getByText("corrected")).toBeInTheDocument();
  });
});
