import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockConvertFileSrc, mockIPC } from "@tauri-apps/api/mocks";
import type { CallDetail, Segment } from "../api";
import { AudioPlayer } from "./AudioPlayer";
import { JobList } from "./JobList";
import { Transcript, currentSegment } from "./Transcript";
import { FieldsTable } from "./FieldsTable";
import { overlaps } from "./TalkTimeline";
import { LibraryExport } from "./LibraryExport";

afterEach(() => {
  cleanup();
  clearMocks();
});

const segments: Segment[] = [
  { start_ms: 0, end_ms: 4382, speaker: "agent", text: "Thanks for calling Nordic Home orders.", confidence: 0.9 },
  { start_ms: 4000, end_ms: 11546, speaker: "customer", text: "The name's Ethan Park.", confidence: 0.9 },
  { start_ms: 12046, end_ms: 22945, speaker: "agent", text: "It shipped with FedEx.", confidence: 0.9 },
];

describe("JobList", () => {
  it("shows a failed file's error inline with its name, and progress for a running one", () => {
    render(
      <JobList
        jobs={[
          { job_id: 1, file_name: "broken.mp3", path: "/c/broken.mp3", state: { kind: "failed", message: "broken.mp3: not an audio file", missing_model: null } },
          { job_id: 2, file_name: "call_12.wav", path: "/c/call_12.wav", state: { kind: "running", stage: "transcribing", fraction: 0.5 } },
        ]}
        onCancel={() => undefined}
        onOpen={() => undefined}
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("broken.mp3: not an audio file");
    expect(screen.getByText(/Transcribing · 50 %/)).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "call_12.wav: Transcribing" })).toHaveAttribute("value", "50");
    expect(screen.queryByTestId("job-hint")).toBeNull();
  });

  it("says how to install the speech model when a job failed for want of it", () => {
    render(
      <JobList
        jobs={[
          {
            job_id: 3,
            file_name: "call_12.wav",
            path: "/c/call_12.wav",
            state: { kind: "failed", message: "the speech model small (q8_0) is not installed", missing_model: "small" },
          },
        ]}
        onCancel={() => undefined}
        onOpen={() => undefined}
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("the speech model small (q8_0) is not installed");
    expect(screen.getByTestId("job-hint")).toHaveTextContent(
      "Install the model ‘small’ with `callscope models install small`, or choose an installed model in Settings.",
    );
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

  it("names the speaker where the turn changes and keeps it for screen readers on lines that continue it", () => {
    const turn: Segment[] = [
      ...segments,
      { start_ms: 23_000, end_ms: 25_000, speaker: "agent", text: "It arrives Thursday.", confidence: 0.9 },
    ];
    render(<Transcript segments={turn} positionMs={0} onSeek={() => undefined} />);
    const who = screen.getAllByRole("listitem").map((li) => li.querySelector(".who"));
    expect(who.map((w) => w?.textContent)).toEqual(["Agent", "Customer", "Agent", "Agent"]);
    expect(who.map((w) => w?.firstElementChild?.className ?? "shown")).toEqual(["shown", "shown", "shown", "visually-hidden"]);
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
    const detail = {
      call: { call_id: 3, file_name: "call_12.wav", domain_specific_data: { order_number: "7741931" } },
      corrections: [],
      audio_available: true,
      live: null,
    } as unknown as CallDetail;
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      return {
        ...detail,
        call: { ...detail.call, domain_specific_data: { order_number: "7741932" } },
        corrections: [{ field: "order_number", original: "7741931", corrected: "7741932", corrected_at: "2025-11-20T10:00:00Z" }],
      };
    });
    let current = detail;
    const { rerender } = render(<FieldsTable detail={current} onChange={(d) => (current = d)} onError={() => undefined} />);
    fireEvent.click(screen.getByRole("button", { name: "Correct Order number" }));
    fireEvent.change(screen.getByRole("textbox", { name: "New value for Order number" }), { target: { value: "7741932" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(current).not.toBe(detail));
    rerender(<FieldsTable detail={current} onChange={(d) => (current = d)} onError={() => undefined} />);
    expect(sent).toEqual([{ cmd: "correct_field", args: { id: 3, field: "order_number", value: "7741932" } }]);
    expect(screen.getByTestId("field-order_number")).toHaveTextContent("7741932");
    expect(screen.getByText("corrected")).toBeInTheDocument();
  });
});

describe("LibraryExport", () => {
  const filter = { domain: "retail", category: null, sentiment: null, resolution: null, agent: null, since: null, until: null };

  it("exports the filtered calls redacted to the file chosen and says how many", async () => {
    const sent: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      if (cmd === "plugin:dialog|save") return "/home/ana/calls.csv";
      if (cmd === "export_calls") return 12;
      throw new Error(`unexpected ${cmd}`);
    });
    render(<LibraryExport filter={filter} searching={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Export…" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Exported 12 calls to /home/ana/calls.csv");
    const dialog = sent.find((s) => s.cmd === "plugin:dialog|save")?.args as { options: { defaultPath: string; title: string } };
    expect(dialog.options.defaultPath).toBe("callscope-calls.csv");
    expect(dialog.options.title).toBe("Export calls");
    expect(sent.find((s) => s.cmd === "export_calls")?.args).toEqual({ filter, format: "csv", redact: true, path: "/home/ana/calls.csv" });
  });

  it("sends JSON unredacted when the user asks, and shows a failure with the file", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "plugin:dialog|save") return "/media/ro/calls.json";
      sent.push(args);
      throw { message: "could not write the export to /media/ro/calls.json: Read-only file system (os error 30)" };
    });
    render(<LibraryExport filter={filter} searching={true} />);
    expect(screen.getByText(/the search text is not applied/)).toBeInTheDocument();
    fireEvent.change(screen.getByRole("combobox", { name: "Export format" }), { target: { value: "json" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Redact personal data" }));
    fireEvent.click(screen.getByRole("button", { name: "Export…" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Export to /media/ro/calls.json failed: could not write the export");
    expect(sent).toEqual([{ filter, format: "json", redact: false, path: "/media/ro/calls.json" }]);
  });

  it("does nothing when the save dialog is cancelled", async () => {
    const cmds: string[] = [];
    mockIPC((cmd) => {
      cmds.push(cmd);
      return null;
    });
    render(<LibraryExport filter={filter} searching={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Export…" }));
    await waitFor(() => expect(cmds).toEqual(["plugin:dialog|save"]));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("button", { name: "Export…" })).toBeEnabled();
  });
});

describe("AudioPlayer", () => {
  it("reads the recording only when it is played, and lets go of it when the call is closed", async () => {
    mockIPC((cmd) => (cmd === "allow_call_audio" ? "/calls/a.wav" : null));
    mockConvertFileSrc("linux");
    const fetched = vi.fn(async () => new Response(new Blob(["RIFF"])));
    vi.stubGlobal("fetch", fetched);
    // jsdom has no object URLs and no media playback.
    const created = vi.fn(() => "blob:call-a");
    const revoked = vi.fn();
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: revoked });
    const play = vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
    try {
      const { unmount } = render(<AudioPlayer callId={1} fileName="a.wav" available durationMs={1000} positionMs={0} onTime={() => undefined} />);
      await waitFor(() => expect(screen.getByTestId("play-recording")).toBeInTheDocument());
      expect(fetched).not.toHaveBeenCalled();
      expect(screen.queryByLabelText("Recording of a.wav")).toBeNull();

      fireEvent.click(screen.getByTestId("play-recording"));
      const audio = await screen.findByLabelText("Recording of a.wav");
      expect(audio).toHaveAttribute("src", "blob:call-a");
      expect(audio).toHaveAttribute("preload", "none");
      expect(fetched).toHaveBeenCalledTimes(1);
      await waitFor(() => expect(play).toHaveBeenCalled());

      unmount();
      expect(revoked).toHaveBeenCalledWith("blob:call-a");
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllGlobals();
      Object.assign(URL, { createObjectURL: undefined, revokeObjectURL: undefined });
    }
  });
});
