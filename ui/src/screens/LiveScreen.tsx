import { useEffect, useState } from "react";
import { api, type CaptureDevice, type LiveSetup } from "../api";
import { LevelMeter } from "../components/LevelMeter";
import { LiveCaptions } from "../components/LiveCaptions";
import { agentTalkPercent, clock, isLive, type LiveState } from "../state/live";

type Props = {
  live: LiveState;
  /** Ask the engine to start capturing (the state follows its events). */
  start: (microphone: string | null, system: string | null) => Promise<void>;
  stop: () => Promise<void>;
  openCall: (id: number) => void;
};

const NONE = "";

/** Pick the two sides, watch their levels, Start/Stop, and read the captions as they come. */
export function LiveScreen({ live, start, stop, openCall }: Props) {
  const [setup, setSetup] = useState<LiveSetup | null>(null);
  const [microphone, setMicrophone] = useState<string>(NONE);
  const [system, setSystem] = useState<string>(NONE);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function loadDevices() {
    setError(null);
    try {
      const found = await api.liveSetup();
      setSetup(found);
      setMicrophone(found.microphone ?? NONE);
      setSystem(found.system ?? NONE);
    } catch (e) {
      setError(`Could not list the sound devices: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  useEffect(() => {
    void loadDevices();
  }, []);

  const recording = isLive(live);
  const phase = live.phase;

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      if (recording) await stop();
      else await start(microphone || null, system || null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const lostSides = new Set(live.lost.map((l) => l.speaker));
  const talk = agentTalkPercent(live);
  const devices = (kind: CaptureDevice["kind"]) => setup?.devices.filter((d) => d.kind === kind) ?? [];

  return (
    <section className="screen live" aria-labelledby="live-title">
      <div className="live-head">
        <h1 id="live-title">Live call</h1>
        {phase.kind === "recording" && (
          <span className="recording-dot" role="status" data-testid="live-recording">
            Recording · <span data-testid="live-elapsed">{clock(live.elapsed_ms)}</span>
          </span>
        )}
        <span className="spacer" />
        <button
          type="button"
          className={recording ? "danger" : "primary"}
          onClick={() => void toggle()}
          disabled={busy || phase.kind === "starting" || (!recording && !microphone && !system)}
          data-testid="live-toggle"
          aria-keyshortcuts={setup?.shortcut ?? undefined}
        >
          {recording ? "Stop" : "Start"}
        </button>
      </div>
      {setup?.shortcut && (
        <p className="muted small" data-testid="live-shortcut">
          Shortcut anywhere on the desktop: <kbd>{setup.shortcut}</kbd> starts and stops a call (change it in Settings).
        </p>
      )}

      <div className="panel live-devices">
        <DevicePicker label="Microphone (agent)" testid="live-microphone" devices={devices("microphone")} value={microphone} onChange={setMicrophone} disabled={recording} />
        <DevicePicker
          label="System audio (customer)"
          testid="live-system"
          devices={devices("system")}
          value={system}
          onChange={setSystem}
          disabled={recording || Boolean(setup?.system_unsupported)}
        />
        <button type="button" onClick={() => void loadDevices()} disabled={recording}>
          Refresh devices
        </button>
        {setup?.system_unsupported && <p className="muted small">System audio: {setup.system_unsupported}</p>}
      </div>

      {error && (
        <p className="inline-error" role="alert" data-testid="live-error">
          {error}
        </p>
      )}
      {live.notice && <p className="muted small">{live.notice}</p>}
      {live.lost.map((l) => (
        <p key={`${l.speaker}-${l.at_ms}`} className="inline-error" role="alert" data-testid="live-device-lost">
          {l.device} went away at {clock(l.at_ms)}; the {l.speaker}'s side is silent from there, and the call goes on.
        </p>
      ))}

      <div className="panel live-meters">
        <LevelMeter side="agent" level={live.levels.agent} lost={lostSides.has("agent")} />
        <LevelMeter side="customer" level={live.levels.customer} lost={lostSides.has("customer")} />
        {talk !== null && (
          <p className="muted small" data-testid="live-talk">
            Talk so far: agent {talk} % · customer {100 - talk} %
          </p>
        )}
      </div>

      {phase.kind === "analysing" && (
        <p role="status" data-testid="live-analysing">
          Call ended after {clock(phase.duration_ms)}. Analysing the recording… the call opens when it is stored.
        </p>
      )}
      {phase.kind === "stored" && (
        <p role="status">
          Stored.{" "}
          <button type="button" className="link" onClick={() => openCall(phase.call_id)} data-testid="live-open-call">
            Open the call
          </button>
        </p>
      )}
      {phase.kind === "failed" && (
        <p className="inline-error" role="alert" data-testid="live-failed">
          {phase.message}
        </p>
      )}
      {live.skipped_ms > 0 && (
        <p className="muted small">Captions skipped {clock(live.skipped_ms)} to keep up; the recording and the stored transcript have all of it.</p>
      )}

      <LiveCaptions finals={live.finals} partials={live.partials} />
    </section>
  );
}

type PickerProps = { label: string; testid: string; devices: CaptureDevice[]; value: string; onChange: (id: string) => void; disabled: boolean };

/** One side's device, or none (that side is not captured). */
function DevicePicker({ label, testid, devices, value, onChange, disabled }: PickerProps) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid={testid}>
        <option value={NONE}>None</option>
        {devices.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
            {d.is_default ? " (default)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
