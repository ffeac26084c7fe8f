// The one way the UI talks to Rust. Components import from here, never from
// `@tauri-apps/api` or the generated bindings directly.
import { convertFileSrc } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open, save } from "@tauri-apps/plugin-dialog";
import { commands, events } from "./bindings";
import type {
  CallDetail,
  CallExportFormat,
  CallFilter,
  CallRow,
  CallSort,
  CatalogEntry,
  CommandError,
  ExportFormat,
  JobUpdate,
  LiveEvent,
  LiveSetup,
  NewSecret,
  Page,
  SearchHit,
  SecretKind,
  Settings,
  SettingsView,
  UsageGrouping,
  UsageReport,
  Value,
  Waveform,
} from "./bindings";

export type * from "./bindings";

/** A command failed; the message names the file or call and says what to do next. */
export class ApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiError";
  }
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError };

async function unwrap<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const outcome = await pending;
  if (outcome.status === "ok") return outcome.data;
  // Commands fail with a `CommandError`; Tauri itself (a command the window may not call, a
  // panic) rejects with a bare string.
  const error: unknown = outcome.error;
  const message = typeof error === "string" ? error : (error as CommandError | null)?.message;
  throw new ApiError(message || `The app's back end failed without saying why: ${JSON.stringify(error)}`);
}

/** Audio file extensions the engine decodes (by content; the picker only suggests these). */
export const AUDIO_EXTENSIONS = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "oga", "opus"];

export const api = {
  analyzeFiles: (paths: string[]): Promise<JobUpdate[]> => unwrap(commands.analyzeFiles(paths)),
  cancelJob: (jobId: number): Promise<boolean> => unwrap(commands.cancelJob(jobId)),
  cancelAllJobs: (): Promise<number> => unwrap(commands.cancelAllJobs()),

  listCalls: (filter: CallFilter, sort: CallSort, offset: number, limit: number): Promise<Page<CallRow>> =>
    unwrap(commands.listCalls(filter, sort, offset, limit)),
  countCalls: (filter: CallFilter): Promise<number> => unwrap(commands.countCalls(filter)),
  searchCalls: (query: string, filter: CallFilter, limit: number): Promise<SearchHit[]> =>
    unwrap(commands.searchCalls(query, filter, limit)),
  listDomains: (): Promise<CatalogEntry[]> => unwrap(commands.listDomains()),
  /** LLM tokens and estimated cost of the calls matching `filter`, per day, domain or call. */
  usageReport: (filter: CallFilter, grouping: UsageGrouping): Promise<UsageReport> =>
    unwrap(commands.usageReport(filter, grouping)),
  /** Write every call matching `filter` to `path`; resolves to how many were written. */
  exportCalls: (filter: CallFilter, format: ExportFormat, redact: boolean, path: string): Promise<number> =>
    unwrap(commands.exportCalls(filter, format, redact, path)),

  getCall: (id: number): Promise<CallDetail> => unwrap(commands.getCall(id)),
  correctField: (id: number, field: string, value: Value): Promise<CallDetail> =>
    unwrap(commands.correctField(id, field, value)),
  deleteCall: (id: number): Promise<null> => unwrap(commands.deleteCall(id)),
  /** Analyse a stored call again with the provider in Settings; resolves to the updated call. */
  reanalyzeCall: (id: number): Promise<CallDetail> => unwrap(commands.reanalyzeCall(id)),
  exportCall: (id: number, format: CallExportFormat, redact: boolean, path: string): Promise<null> =>
    unwrap(commands.exportCall(id, format, redact, path)),

  /**
   * A `blob:` URL the audio element can play (revoke it when done), or null when the recording
   * is gone. WebKitGTK's media player cannot read the asset protocol directly, so the file is
   * fetched through it once and handed over as a blob.
   */
  callAudioUrl: async (id: number): Promise<string | null> => {
    const path = await unwrap(commands.allowCallAudio(id));
    if (path === null) return null;
    const response = await fetch(convertFileSrc(path));
    if (!response.ok) throw new ApiError(`${path}: could not be read for playback (HTTP ${response.status})`);
    // A blob made from the bytes, not the response's own blob: WebKitGTK backs a large
    // response's blob with its network cache, and the media element then sometimes found it
    // gone ("Load failed", media error 4).
    const bytes = await response.arrayBuffer();
    return URL.createObjectURL(new Blob([bytes], { type: response.headers.get("content-type") ?? "" }));
  },

  /** The recording's peak levels per channel in `buckets` stretches, or null when it is gone. */
  callWaveform: (id: number, buckets: number): Promise<Waveform | null> => unwrap(commands.callWaveform(id, buckets)),

  getSettings: (): Promise<SettingsView> => unwrap(commands.getSettings()),
  /** Save the settings; `keys` typed by the user go to the OS keyring, never to a file. */
  saveSettings: (settings: Settings, keys: NewSecret[] = []): Promise<SettingsView> =>
    unwrap(commands.saveSettings(settings, keys)),
  removeKey: (kind: SecretKind): Promise<SettingsView> => unwrap(commands.removeKey(kind)),
  /** Use another data folder from the next start. */
  chooseDataDir: (path: string): Promise<SettingsView> => unwrap(commands.chooseDataDir(path)),
  resetDataDir: (): Promise<SettingsView> => unwrap(commands.resetDataDir()),

  /** Every job's progress (the `job-event` event); returns a function that stops listening. */
  onJobUpdate: async (handler: (update: JobUpdate) => void): Promise<() => void> =>
    events.jobEvent.listen((event) => handler(event.payload)),

  /** The sound devices a live call can capture, the remembered choice and the shortcut. */
  liveSetup: (): Promise<LiveSetup> => unwrap(commands.liveSetup()),
  /**
   * Start capturing a call (either side may be null, not both); the choice is remembered.
   * Resolves once the devices are open; the call's progress arrives as `live-event` events.
   */
  startLive: (microphone: string | null, system: string | null): Promise<null> => unwrap(commands.startLive(microphone, system)),
  /** End the call: the recording is kept and analysed like a dropped file; false when none ran. */
  stopLive: (): Promise<boolean> => unwrap(commands.stopLive()),
  /** The running call so far as events (empty when none runs), for a window opened mid-call. */
  liveStatus: (): Promise<LiveEvent[]> => unwrap(commands.liveStatus()),
  /** Every live call event; returns a function that stops listening. */
  onLiveUpdate: async (handler: (event: LiveEvent) => void): Promise<() => void> =>
    events.liveEvent.listen((event) => handler(event.payload)),

  /** Files dropped on the window (paths); returns a function that stops listening. */
  onFileDrop: async (handler: (paths: string[]) => void, onHover?: (over: boolean) => void): Promise<() => void> =>
    getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "drop") {
        onHover?.(false);
        handler(p.paths);
      } else if (p.type === "over" || p.type === "enter") {
        onHover?.(true);
      } else {
        onHover?.(false);
      }
    }),

  /** Ask the user for recordings; empty when they cancel. */
  pickRecordings: async (): Promise<string[]> => {
    const chosen = await open({
      multiple: true,
      directory: false,
      title: "Choose call recordings",
      filters: [{ name: "Call recordings", extensions: AUDIO_EXTENSIONS }],
    });
    if (chosen === null) return [];
    return Array.isArray(chosen) ? chosen : [chosen];
  },

  /** Ask where to save an export; null when they cancel. */
  pickExportPath: (suggestedName: string, format: CallExportFormat | ExportFormat, title = "Export call"): Promise<string | null> =>
    save({ title, defaultPath: suggestedName, filters: [{ name: format.toUpperCase(), extensions: [format] }] }),

  /** Ask for a folder; null when they cancel. */
  pickFolder: async (title: string): Promise<string | null> => {
    const chosen = await open({ directory: true, multiple: false, title });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  },
};

export type Api = typeof api;
