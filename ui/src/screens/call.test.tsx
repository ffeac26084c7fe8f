import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { CallDetail } from "../api";
import { CallScreen } from "./CallScreen";

afterEach(() => {
  cleanup();
  clearMocks();
});

const tokens = (input: number, output: number) => ({ input, output, total: input + output });

const detail: CallDetail = {
  call: {
    call_id: 12,
    file_name: "call_12.wav",
    duration_ms: 39_013,
    domain: "retail",
    category: "order_status",
    domain_confidence: 0.92,
    transcription: {
      text: "Thanks for calling Nordic Home orders. The name's Ethan Park.",
      segments: [
        { start_ms: 0, end_ms: 4382, speaker: "agent", text: "Thanks for calling Nordic Home orders.", confidence: 0.9 },
        { start_ms: 4000, end_ms: 11_546, speaker: "customer", text: "The name's Ethan Park.", confidence: 0.9 },
      ],
    },
    domain_specific_data: { order_number: "7741932" },
    general: {
      agent_name: "Maya",
      customer_name: "Ethan Park",
      sentiment: "positive",
      sentiment_trend: "improving",
      resolution: "resolved",
      call_reason: "Where is my standing desk?",
      follow_up_actions: ["Email the tracking number"],
    },
    metrics: {
      agent_talk_pct: 40,
      customer_talk_pct: 45,
      silence_pct: 15,
      longest_silence_ms: 1200,
      overtalk_count: 1,
      overtalk_ms: 382,
      interruptions_by_agent: 0,
      interruptions_by_customer: 1,
      agent_wpm: 150,
      customer_wpm: 140,
      agent_turns: 1,
      customer_turns: 1,
    },
    turn_sentiments: [
      { segment: 0, start_ms: 0, score: 0.2 },
      { segment: 1, start_ms: 4000, score: 0.5 },
    ],
    summary: "Ethan Park asked where his standing desk is; it ships Thursday.",
    redactions: [
      { type: "phone", start_ms: 5000 },
      { type: "card", start_ms: 9000 },
      { type: "phone", start_ms: 10_000 },
    ],
    token_usage: {
      stage1_transcription_and_detection: tokens(300, 100),
      stage2_combined_analysis: tokens(600, 100),
      prompt_generation: tokens(100, 0),
      total: tokens(1000, 200),
    },
    provider: "offline",
    model: "offline-rules-1",
    transcriber: "whisper.cpp (ggml-tiny.en-q8_0.bin)",
    created_at: "2026-11-22T10:26:00Z",
    analysis_error: null,
    generic_prompt: false,
  },
  corrections: [],
  audio_available: true,
  live: null,
};

function serve(shown: CallDetail) {
  mockIPC((cmd) => {
    if (cmd === "get_call") return shown;
    if (cmd === "call_waveform") return { duration_ms: shown.call.duration_ms, peaks: [[0.2, 0.4], [0.1, 0.3]] };
    throw new Error(`unexpected ${cmd}`);
  });
}

describe("CallScreen", () => {
  it("shows what the analysis found, who transcribed and analysed the call, and the tokens per stage", async () => {
    serve(detail);
    render(<CallScreen id={12} back={() => undefined} />);
    expect(await screen.findByRole("heading", { name: "call_12.wav" })).toBeInTheDocument();
    expect(screen.getByTestId("call-domain")).toHaveTextContent("Retail");
    expect(screen.getByTestId("call-category")).toHaveTextContent("Order status");
    expect(screen.getByTestId("field-order_number")).toHaveTextContent("7741932");
    expect(screen.getByTestId("customer-name")).toHaveTextContent("Ethan Park");
    expect(screen.getByTestId("summary")).toHaveTextContent("it ships Thursday");
    expect(screen.getByText("The name's Ethan Park.")).toBeInTheDocument();
    expect(screen.getByText(/analysed by offline \(offline-rules-1\)/)).toHaveTextContent(
      "analysed by offline (offline-rules-1) · transcribed by whisper.cpp (ggml-tiny.en-q8_0.bin)",
    );
    expect(screen.getByTestId("tokens")).toHaveTextContent("1,000 in · 200 out (detection 400, analysis 700, prompt 100)");
    expect(screen.getByText(/of personal data redacted/)).toHaveTextContent("3 pieces of personal data redacted (phone, card).");
    expect(screen.getByTestId("play-recording")).toBeInTheDocument();
  });

  it("leaves out the transcriber for calls analysed before it was recorded, and says when the recording is gone", async () => {
    serve({ ...detail, call: { ...detail.call, transcriber: "" }, audio_available: false });
    render(<CallScreen id={12} back={() => undefined} />);
    expect(await screen.findByText(/analysed by offline/)).not.toHaveTextContent("transcribed by");
    expect(screen.queryByTestId("transcriber")).toBeNull();
    expect(screen.getByText(/no longer where it was analysed/)).toBeInTheDocument();
  });

  it("says when a call was recorded live, on which devices, and that a crash cut it short", async () => {
    serve({ ...detail, live: { started_at: "2026-12-07T15:00:00Z", duration_ms: 61_000, agent_device: "USB Headset", customer_device: null, recovered: true } });
    render(<CallScreen id={12} back={() => undefined} />);
    expect(await screen.findByTestId("call-live")).toHaveTextContent("Recorded live from USB Headset (agent) and no system audio (customer) · recovered after a crash");
    cleanup();
    serve(detail);
    render(<CallScreen id={12} back={() => undefined} />);
    expect(await screen.findByTestId("call-domain")).toBeInTheDocument();
    expect(screen.queryByTestId("call-live")).toBeNull();
  });

  it("says why the fields are missing and re-analyses the call in place with the Re-analyse button", async () => {
    const failed: CallDetail = {
      ...detail,
      call: {
        ...detail.call,
        provider: "gemini",
        model: "gemini-2.5-flash",
        domain_specific_data: {},
        analysis_error: "Gemini could not be reached while extracting the call's fields and summary: HTTP 503",
      },
    };
    const fixed: CallDetail = { ...detail, call: { ...detail.call, provider: "gemini", model: "gemini-2.5-flash" } };
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      asked.push(cmd);
      if (cmd === "get_call") return failed;
      if (cmd === "reanalyze_call") {
        expect(args).toMatchObject({ id: 12 });
        return fixed;
      }
      if (cmd === "call_waveform") return null;
      throw new Error(`unexpected ${cmd}`);
    });
    render(<CallScreen id={12} back={() => undefined} />);
    expect(await screen.findByTestId("analysis-error")).toHaveTextContent("HTTP 503");
    expect(screen.queryByTestId("field-order_number")).toBeNull();
    fireEvent.click(screen.getByTestId("reanalyze"));
    expect(await screen.findByTestId("field-order_number")).toHaveTextContent("7741932");
    expect(screen.queryByTestId("analysis-error")).toBeNull();
    expect(screen.getByRole("status")).toHaveTextContent("Analysed call_12.wav again with gemini (gemini-2.5-flash).");
    expect(asked).toContain("reanalyze_call");
  });

  it("says when a generic prompt extracted the fields", async () => {
    serve({ ...detail, call: { ...detail.call, generic_prompt: true } });
    render(<CallScreen id={12} back={() => undefined} />);
    expect(await screen.findByTestId("generic-prompt")).toHaveTextContent("generic prompt");
  });
});
