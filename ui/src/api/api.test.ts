import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { api, ApiError, type JobUpdate } from ".";

afterEach(() => clearMocks());

const noFilter = { domain: null, category: null, sentiment: null, resolution: null, agent: null, since: null, until: null };

describe("api", () => {
  it("lists calls through the list_calls command with the filter, sort and page", async () => {
    const seen: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      return { items: [], offset: 100, has_more: false };
    });
    const page = await api.listCalls({ ...noFilter, domain: "retail" }, "longest", 100, 100);
    expect(page.offset).toBe(100);
    expect(seen).toEqual([
      { cmd: "list_calls", args: { filter: { ...noFilter, domain: "retail" }, sort: "longest", offset: 100, limit: 100 } },
    ]);
  });

  it("turns a command error into an ApiError carrying the message for the user", async () => {
    mockIPC(() => {
      throw { message: "there is no call with id 7 in the library" };
    });
    await expect(api.getCall(7)).rejects.toEqual(new ApiError("there is no call with id 7 in the library"));
  });

  it("queues files with analyze_files and returns their first updates", async () => {
    mockIPC((cmd, args) => {
      expect(cmd).toBe("analyze_files");
      const paths = (args as { paths: string[] }).paths;
      return paths.map((path, i) => ({ job_id: i + 1, file_name: path.split("/").pop(), path, state: { kind: "queued" } }));
    });
    const jobs = await api.analyzeFiles(["/calls/a.wav", "/calls/b.mp3"]);
    expect(jobs.map((j) => [j.job_id, j.file_name, j.state.kind])).toEqual([
      [1, "a.wav", "queued"],
      [2, "b.mp3", "queued"],
    ]);
  });

  it("sends a corrected field value as JSON", async () => {
    let sent: unknown;
    mockIPC((cmd, args) => {
      if (cmd === "correct_field") sent = args;
      return null;
    });
    await api.correctField(3, "order_number", "7741932");
    expect(sent).toEqual({ id: 3, field: "order_number", value: "7741932" });
  });

  it("delivers job-event events to the handler", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const got: JobUpdate[] = [];
    const stop = await api.onJobUpdate((u) => got.push(u));
    const update: JobUpdate = { job_id: 4, file_name: "c.wav", path: "/c.wav", state: { kind: "running", stage: "transcribing", fraction: 0.5 } };
    await emit("job-event", update);
    stop();
    expect(got).toEqual([update]);
  });

  it("exports calls with export_calls and resolves to the count", async () => {
    let sent: unknown;
    mockIPC((cmd, args) => {
      expect(cmd).toBe("export_calls");
      sent = args;
      return 3;
    });
    await expect(api.exportCalls(noFilter, "csv", true, "/tmp/calls.csv")).resolves.toBe(3);
    expect(sent).toEqual({ filter: noFilter, format: "csv", redact: true, path: "/tmp/calls.csv" });
  });

  it("saves settings with the typed keys as a separate argument (none by default)", async () => {
    const sent: unknown[] = [];
    mockIPC((_cmd, args) => {
      sent.push(args);
      return null;
    });
    const settings = { model: "base", provider: "offline" as const, keep_original_pii: false, swap_channels: false, filter_music: true, language: "en" };
    await api.saveSettings(settings);
    await api.saveSettings(settings, [{ kind: "gemini_api_key", value: "AIzaKey" }]);
    expect(sent).toEqual([
      { settings, keys: [] },
      { settings, keys: [{ kind: "gemini_api_key", value: "AIzaKey" }] },
    ]);
  });

  it("asks the folder dialog for a directory when choosing a folder", async () => {
    let options: unknown;
    mockIPC((cmd, args) => {
      expect(cmd).toBe("plugin:dialog|open");
      options = (args as { options: unknown }).options;
      return "/mnt/calls";
    });
    await expect(api.pickFolder("Choose the folder")).resolves.toBe("/mnt/calls");
    expect(options).toMatchObject({ directory: true, multiple: false, title: "Choose the folder" });
  });
});
