import { useEffect, useRef, useState } from "react";
import { api } from "./api";
import { applyUpdate, activeCount, type Job } from "./state/jobs";
import { AnalyzeScreen } from "./screens/AnalyzeScreen";
import { LibraryScreen } from "./screens/LibraryScreen";
import { CallScreen } from "./screens/CallScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { LiveScreen } from "./screens/LiveScreen";
import { applyLive, followJob, initialLive, isLive, starting, type LiveState } from "./state/live";

export type Route = { screen: "analyze" } | { screen: "live" } | { screen: "library" } | { screen: "call"; id: number } | { screen: "settings" };

const TABS: { screen: "analyze" | "live" | "library" | "settings"; label: string }[] = [
  { screen: "analyze", label: "Analyze" },
  { screen: "live", label: "Live" },
  { screen: "library", label: "Library" },
  { screen: "settings", label: "Settings" },
];

export function App() {
  const [route, setRoute] = useState<Route>({ screen: "analyze" });
  const [jobs, setJobs] = useState<Job[]>([]);
  const [listenError, setListenError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>(initialLive);
  const routeRef = useRef<Route>(route);
  routeRef.current = route;

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    api
      .onJobUpdate((update) => {
        setJobs((current) => applyUpdate(current, update));
        // A live call's recording is analysed as a job: its end is the call's.
        setLive((current) => followJob(current, update));
      })
      .then((unlisten) => (cancelled ? unlisten() : (stop = unlisten)))
      .catch((e: unknown) => setListenError(`Progress updates are unavailable: ${String(e)}`));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);

  // Live calls: the state lives here so that a call goes on (and shows in the title bar)
  // whatever screen is open; the global shortcut starts and stops calls from the engine side.
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    api
      .onLiveUpdate((event) => {
        setLive((current) => applyLive(current, event));
      })
      .then((unlisten) => (cancelled ? unlisten() : (stop = unlisten)))
      .catch((e: unknown) => setListenError(`Live call updates are unavailable: ${String(e)}`));
    api
      .liveStatus()
      .then((events) => setLive((current) => events.reduce(applyLive, current)))
      .catch(() => undefined);
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);

  // The user lands on the analysed call as soon as it is stored, unless they went to read
  // something else meanwhile.
  const storedId = live.phase.kind === "stored" ? live.phase.call_id : null;
  useEffect(() => {
    if (storedId !== null && routeRef.current.screen === "live") setRoute({ screen: "call", id: storedId });
  }, [storedId]);

  const recording = isLive(live);
  useEffect(() => {
    document.title = recording ? "● Recording — Callscope" : "Callscope";
  }, [recording]);

  async function startLive(microphone: string | null, system: string | null) {
    setLive((current) => starting(current));
    try {
      await api.startLive(microphone, system);
    } catch (e) {
      setLive((current) => applyLive(current, { kind: "failed", message: e instanceof Error ? e.message : String(e) }));
    }
  }

  const running = activeCount(jobs);
  const current = route.screen === "call" ? "library" : route.screen;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" aria-label="Callscope">
          <span className="brand-mark" aria-hidden="true" />
          Callscope
        </div>
        <nav aria-label="Main">
          {TABS.map((tab) => (
            <button
              key={tab.screen}
              type="button"
              className="tab"
              aria-current={current === tab.screen ? "page" : undefined}
              onClick={() => setRoute({ screen: tab.screen })}
              data-testid={`nav-${tab.screen}`}
            >
              {tab.label}
              {tab.screen === "analyze" && running > 0 && <span className="badge" aria-label={`${running} in progress`}>{running}</span>}
              {tab.screen === "live" && recording && <span className="live-badge" aria-label="recording" data-testid="nav-live-recording" />}
            </button>
          ))}
        </nav>
      </header>
      {listenError && <p className="banner error" role="alert">{listenError}</p>}
      <main className="content">
        {route.screen === "analyze" && (
          <AnalyzeScreen jobs={jobs} setJobs={setJobs} openCall={(id) => setRoute({ screen: "call", id })} />
        )}
        {route.screen === "live" && (
          <LiveScreen live={live} start={startLive} stop={() => api.stopLive().then(() => undefined)} openCall={(id) => setRoute({ screen: "call", id })} />
        )}
        {route.screen === "library" && <LibraryScreen openCall={(id) => setRoute({ screen: "call", id })} />}
        {route.screen === "call" && (
          <CallScreen key={route.id} id={route.id} back={() => setRoute({ screen: "library" })} />
        )}
        {route.screen === "settings" && <SettingsScreen />}
      </main>
    </div>
  );
}
