import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { LiveSetup } from "../api";
import { applyLive, initialLive, starting } from "../state/live";
import { LiveScreen } from "./LiveScreen";

afterEach(() => {
  cleanup();
  clearMocks();
});

const setup: LiveSetup = {
  devices: [
    { id: "pulseaudio:headset", name: "USB Headset", kind: "microphone", is_default: true },
    { id: "pulseaudio:speakers.monitor", name: "Monitor of Speakers", kind: "system", is_default: true },
    { id: "pulseaudio:hdmi.monitor", name: "Monitor of HDMI", kind: "system", is_default: false },
  ],
  system_unsupported: null,
  microphone: "pulseaudio:headset",
  system: "pulseaudio:hdmi.monitor",
  shortcut: "CommandOrControl+Shift+L",
};

function serve(answer: LiveSetup) {
  mockIPC((cmd) => {
    if (cmd === "live_setup") return answer;
    throw new Error(`unexpected ${cmd}`);
  });
}

describe("LiveScreen", () => {
  it("offers the devices by kind with the remembered choice, shows the shortcut, and starts with the chosen ids", async () => {
    serve(setup);
    const start = vi.fn(async () => undefined);
    render(<LiveScreen live={initialLive} start={start} stop={async () => undefined} openCall={() => undefined} />);
    const mic = (await screen.findByTestId("live-microphone")) as HTMLSelectElement;
    expect(await screen.findByText("USB Headset (default)")).toBeInTheDocument();
    expect(mic.value).toBe("pulseaudio:headset");
    expect((screen.getByTestId("live-system") as HTMLSelectElement).value).toBe("pulseaudio:hdmi.monitor");
    expect(screen.getByTestId("live-shortcut")).toHaveTextContent("CommandOrControl+Shift+L");
    fireEvent.change(screen.getByTestId("live-system"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("live-toggle"));
    expect(start).toHaveBeenCalledWith("pulseaudio:headset", null);
  });

  it("while recording: Stop, elapsed time, levels, captions with partials apart, a lost device", async () => {
    serve(setup);
    const stop = vi.fn(async () => undefined);
    let live = applyLive(starting(initialLive), { kind: "started", started_at: "2026-12-07T15:00:00Z", microphone: "USB Headset", system: "Monitor of Speakers", notice: null });
    live = applyLive(live, { kind: "levels", agent: 42, customer: 10, elapsed_ms: 65_000 });
    live = applyLive(live, { kind: "caption", speaker: "agent", start_ms: 500, end_ms: 2500, text: "Thanks for calling.", is_final: true });
    live = applyLive(live, { kind: "caption", speaker: "customer", start_ms: 3000, end_ms: 4000, text: "Hi, my bill", is_final: false });
    live = applyLive(live, { kind: "device_lost", speaker: "customer", device: "Monitor of Speakers", at_ms: 60_000 });
    render(<LiveScreen live={live} start={async () => undefined} stop={stop} openCall={() => undefined} />);
    expect(screen.getByTestId("live-toggle")).toHaveTextContent("Stop");
    expect(screen.getByTestId("live-elapsed")).toHaveTextContent("1:05");
    expect(screen.getByRole("meter", { name: "Agent (microphone) level" })).toHaveAttribute("aria-valuenow", "42");
    expect(screen.getByTestId("caption-final")).toHaveTextContent("Agent Thanks for calling.");
    expect(screen.getByTestId("caption-partial")).toHaveTextContent("Customer Hi, my bill");
    expect(screen.getByTestId("live-device-lost")).toHaveTextContent("Monitor of Speakers went away at 1:00");
    expect(screen.getByTestId("live-talk")).toHaveTextContent("agent 100 %");
    expect((await screen.findByTestId("live-microphone")) as HTMLSelectElement).toBeDisabled();
    fireEvent.click(screen.getByTestId("live-toggle"));
    expect(stop).toHaveBeenCalled();
  });

  it("says why system audio is unavailable and still allows a microphone-only call", async () => {
    serve({ ...setup, devices: setup.devices.slice(0, 1), system: null, system_unsupported: "macOS is not supported yet; only the microphone is captured" });
    render(<LiveScreen live={initialLive} start={async () => undefined} stop={async () => undefined} openCall={() => undefined} />);
    expect(await screen.findByText(/macOS is not supported yet/)).toBeInTheDocument();
    expect(screen.getByTestId("live-system")).toBeDisabled();
    expect(screen.getByTestId("live-toggle")).toBeEnabled();
  });

  it("after the call: analysing, then a way to the stored call", () => {
    serve(setup);
    const open = vi.fn();
    const analysing = applyLive(applyLive(initialLive, { kind: "started", started_at: "x", microphone: null, system: "S", notice: null }), { kind: "stopped", duration_ms: 62_000, job_id: 3 });
    const { rerender } = render(<LiveScreen live={analysing} start={async () => undefined} stop={async () => undefined} openCall={open} />);
    expect(screen.getByTestId("live-analysing")).toHaveTextContent("Call ended after 1:02");
    rerender(<LiveScreen live={applyLive(analysing, { kind: "stored", call_id: 9 })} start={async () => undefined} stop={async () => undefined} openCall={open} />);
    fireEvent.click(screen.getByTestId("live-open-call"));
    expect(open).toHaveBeenCalledWith(9);
  });
});
