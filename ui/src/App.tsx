import { useEffect, useState } from "react";
import { api } from "./api";
import { applyUpdate, activeCount, type Job } from "./state/jobs";
import { AnalyzeScreen } from "./screens/AnalyzeScreen";
import { LibraryScreen } from "./screens/LibraryScreen";
import { CallScreen } from "./screens/CallScreen";
import { SettingsScreen } from "./screens/SettingsScreen";

export type Route = { screen: "analyze" } | { screen: "library" } | { screen: "call"; id: number } | { screen: "settings" };

const TABS: { screen: "analyze" | "library" | "settings"; label: string }[] = [
  { screen: "analyze", label: "Analyze" },
  { screen: "library", label: "Library" },
  { screen: "settings", label: "Settings" },
];

export function App() {
  const [route, setRoute] = useState<Route>({ screen: "analyze" });
  const [jobs, setJobs] = useState<Job[]>([]);
  const [listenError, setListenError] = useState<string | null>(null);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    api
      .onJobUpdate((update) => setJobs((current) => applyUpdate(current, update)))
      .then((unlisten) => (cancelled ? unlisten() : (stop = unlisten)))
      .catch((e: unknown) => setListenError(`Progress updates are unavailable: ${String(e)}`));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);

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
            </button>
          ))}
        </nav>
      </header>
      {listenError && <p className="banner error" role="alert">{listenError}</p>}
      <main className="content">
        {route.screen === "analyze" && (
          <AnalyzeScreen jobs={jobs} setJobs={setJobs} openCall={(id) => setRoute({ screen: "call", id })} />
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
