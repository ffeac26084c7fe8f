import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { SecretView, Settings, SettingsView } from "../api";
import { ApiKeys, keyState } from "./ApiKeys";
import { DataFolder } from "./DataFolder";
import { SettingsScreen } from "../screens/SettingsScreen";

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
});

const settings: Settings = {
  model: "tiny.en",
  provider: "offline",
  keep_original_pii: false,
  swap_channels: false,
  filter_music: true,
  language: "en",
  gemini_model: "gemini-2.5-flash",
  openai_base_url: "https://api.openai.com/v1",
  openai_model: "gpt-4o-mini",
  transcription: "local",
  openai_transcription_model: "whisper-1",
};

const secrets: SecretView[] = [
  { kind: "gemini_api_key", label: "Gemini API key", status: { state: "stored", masked: "••••1234" }, warning: null, used_by: "Used when Gemini analyses calls (GEMINI_API_KEY overrides it)." },
  { kind: "openai_api_key", label: "OpenAI-compatible API key", status: { state: "missing" }, warning: null, used_by: "Used by the OpenAI-compatible provider." },
  { kind: "supabase_key", label: "Supabase key", status: { state: "missing" }, warning: null, used_by: "Used by team sync when it is enabled (not built yet)." },
];

const view: SettingsView = {
  settings,
  overridden: [],
  models: [{ name: "tiny.en", installed: true, size_bytes: 42_000_000, description: "fastest" }],
  secrets,
  data_dir: "/home/ana/.local/share/callscope",
  data_dir_source: "default",
  next_data_dir: null,
  models_dir: "/home/ana/.local/share/callscope/models",
  log_dir: "/home/ana/.local/share/callscope/logs",
};

describe("ApiKeys", () => {
  it("shows a stored key masked, offers to replace or remove it, and says what uses it", () => {
    const onType = vi.fn();
    const onRemove = vi.fn();
    render(<ApiKeys secrets={secrets} typed={{}} onType={onType} onRemove={onRemove} />);
    expect(screen.getByTestId("key-state-gemini_api_key")).toHaveTextContent("Stored in the system keyring ••••1234");
    expect(screen.getByTestId("key-state-openai_api_key")).toHaveTextContent("Not stored");
    const field = screen.getByLabelText("Gemini API key");
    expect(field).toHaveAttribute("type", "password");
    expect(field).toHaveAttribute("placeholder", "Paste a new key to replace it");
    fireEvent.change(field, { target: { value: "AIzaNewKey" } });
    expect(onType).toHaveBeenCalledWith("gemini_api_key", "AIzaNewKey");
    fireEvent.click(screen.getByRole("button", { name: "Remove Gemini API key" }));
    expect(onRemove).toHaveBeenCalledWith(secrets[0]);
    expect(screen.queryByRole("button", { name: "Remove Supabase key" })).toBeNull();
    expect(screen.getByText(/Used by team sync when it is enabled/)).toBeInTheDocument();
  });

  it("explains a keyring that cannot be reached instead of a key state", () => {
    const message = "the system keyring is not available (no D-Bus session). On Linux, start GNOME Keyring";
    expect(keyState({ ...secrets[2], status: { state: "unavailable", message } })).toBe(message);
  });
});

describe("DataFolder", () => {
  it("saves a chosen folder for the next start and says so", async () => {
    const sent: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      if (cmd === "plugin:dialog|open") return "/mnt/calls";
      if (cmd === "choose_data_dir") return { ...view, next_data_dir: "/mnt/calls" };
      throw new Error(`unexpected ${cmd}`);
    });
    let current = view;
    const { rerender } = render(<DataFolder view={current} onView={(v) => (current = v)} />);
    expect(screen.getByTestId("data-dir")).toHaveTextContent("/home/ana/.local/share/callscope");
    fireEvent.click(screen.getByRole("button", { name: "Choose another folder…" }));
    await waitFor(() => expect(current.next_data_dir).toBe("/mnt/calls"));
    rerender(<DataFolder view={current} onView={(v) => (current = v)} />);
    expect(sent.find((s) => s.cmd === "choose_data_dir")?.args).toEqual({ path: "/mnt/calls" });
    expect(screen.getByTestId("next-data-dir")).toHaveTextContent("From the next start: /mnt/calls. Restart Callscope to switch.");
    expect(screen.getByRole("button", { name: "Use the default folder" })).toBeInTheDocument();
  });

  it("shows why a folder cannot be used, naming it", async () => {
    mockIPC((cmd) => {
      if (cmd === "plugin:dialog|open") return "/media/cdrom";
      throw { message: "cannot use /media/cdrom as the data folder: Read-only file system (os error 30); choose another folder you may write to" };
    });
    render(<DataFolder view={view} onView={() => undefined} />);
    fireEvent.click(screen.getByRole("button", { name: "Choose another folder…" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("cannot use /media/cdrom as the data folder");
  });

  it("says when CALLSCOPE_DATA decides the folder", () => {
    render(<DataFolder view={{ ...view, data_dir_source: "environment" }} onView={() => undefined} />);
    expect(screen.getByText(/CALLSCOPE_DATA is set/)).toBeInTheDocument();
  });
});

describe("SettingsScreen", () => {
  it("sends typed keys apart from the settings and clears them once saved", async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return view;
      if (cmd === "save_settings") {
        saves.push(args);
        return { ...view, secrets: [secrets[0], secrets[1], { ...secrets[2], status: { state: "stored", masked: "••••5678" } }] };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    fireEvent.change(await screen.findByLabelText("Supabase key"), { target: { value: "sb_publishable_Secret5678" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0]).toEqual({
      settings,
      keys: [{ kind: "supabase_key", value: "sb_publishable_Secret5678" }],
    });
    expect(JSON.stringify((saves[0] as { settings: Settings }).settings)).not.toContain("Secret5678");
    expect(await screen.findByText(/keys are in the system keyring/)).toBeInTheDocument();
    expect(screen.getByLabelText("Supabase key")).toHaveValue("");
    expect(screen.getByTestId("key-state-supabase_key")).toHaveTextContent("••••5678");
  });

  it("removes a key after confirmation", async () => {
    const removed: unknown[] = [];
    vi.spyOn(window, "confirm").mockReturnValue(true);
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return view;
      if (cmd === "remove_key") {
        removed.push(args);
        return { ...view, secrets: [{ ...secrets[0], status: { state: "missing" } }, secrets[1], secrets[2]] };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    fireEvent.click(await screen.findByRole("button", { name: "Remove Gemini API key" }));
    await waitFor(() => expect(screen.getByTestId("key-state-gemini_api_key")).toHaveTextContent("Not stored"));
    expect(removed).toEqual([{ kind: "gemini_api_key" }]);
  });

  it("shows a keyring error where the user pressed Save", async () => {
    mockIPC((cmd) => {
      if (cmd === "get_settings") return view;
      throw { message: "the system keyring is not available (org.freedesktop.DBus.Error.ServiceUnknown). On Linux, start GNOME Keyring" };
    });
    render(<SettingsScreen />);
    fireEvent.change(await screen.findByLabelText("Gemini API key"), { target: { value: "AIzaKey" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the system keyring is not available");
  });

  it("saves the music filter from its checkbox", async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return view;
      if (cmd === "save_settings") {
        saves.push(args);
        return { ...view, settings: { ...settings, filter_music: false } };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    const filter = await screen.findByRole("checkbox", { name: /Filter music on hold and line noise/ });
    expect(filter).toBeChecked();
    fireEvent.click(filter);
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves).toEqual([{ settings: { ...settings, filter_music: false }, keys: [] }]));
    expect(await screen.findByRole("checkbox", { name: /Filter music on hold and line noise/ })).not.toBeChecked();
  });

  it("chooses Gemini and its model, and says that the redacted transcript goes to Google", async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return view;
      if (cmd === "save_settings") {
        saves.push(args);
        return { ...view, settings: (args as { settings: Settings }).settings };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    const provider = await screen.findByLabelText("Analysis");
    expect(provider).toHaveAccessibleDescription(/nothing is sent anywhere/);
    expect(screen.queryByLabelText("Gemini model")).toBeNull();
    fireEvent.change(provider, { target: { value: "gemini" } });
    expect(provider).toHaveAccessibleDescription(/redacted transcript .* Google/);
    const model = screen.getByLabelText("Gemini model");
    expect(model).toHaveValue("gemini-2.5-flash");
    fireEvent.change(model, { target: { value: "gemini-2.5-pro" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves).toEqual([{ settings: { ...settings, provider: "gemini", gemini_model: "gemini-2.5-pro" }, keys: [] }]));
  });

  it("edits the address and model of an OpenAI-compatible server", async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return { ...view, overridden: [["openai_base_url", "OPENAI_BASE_URL"]] };
      if (cmd === "save_settings") {
        saves.push(args);
        return view;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    fireEvent.change(await screen.findByLabelText("Analysis"), { target: { value: "openai" } });
    const address = screen.getByLabelText("Server address");
    expect(address).toHaveAccessibleDescription(/Set by \$OPENAI_BASE_URL for this session/);
    fireEvent.change(address, { target: { value: "http://localhost:11434/v1" } });
    fireEvent.change(screen.getByLabelText("Model"), { target: { value: "llama3.1:8b" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(saves).toEqual([
        { settings: { ...settings, provider: "openai", openai_base_url: "http://localhost:11434/v1", openai_model: "llama3.1:8b" }, keys: [] },
      ]),
    );
  });

  it("chooses cloud transcription with its model and server, and says the audio is uploaded", async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return view;
      if (cmd === "save_settings") {
        saves.push(args);
        return { ...view, settings: (args as { settings: Settings }).settings };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    const transcription = await screen.findByLabelText("Transcription");
    expect(transcription).toHaveAccessibleDescription(/audio never leaves/);
    expect(screen.queryByLabelText("Server address")).toBeNull();
    fireEvent.change(transcription, { target: { value: "openai" } });
    expect(transcription).toHaveAccessibleDescription(/Uploads the audio of each call/);
    const model = screen.getByLabelText("Transcription model");
    expect(model).toHaveValue("whisper-1");
    fireEvent.change(model, { target: { value: "gpt-4o-transcribe" } });
    expect(screen.getByLabelText("Server address")).toHaveValue("https://api.openai.com/v1");
    expect(screen.queryByLabelText("Model")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(saves).toEqual([{ settings: { ...settings, transcription: "openai", openai_transcription_model: "gpt-4o-transcribe" }, keys: [] }]),
    );
  });

  it("offers Gemini's audio mode only with Gemini and says plainly that the audio goes to Google", async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return view;
      if (cmd === "save_settings") {
        saves.push(args);
        return { ...view, settings: (args as { settings: Settings }).settings };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    const provider = await screen.findByLabelText("Analysis");
    expect(screen.queryByLabelText("Gemini reads")).toBeNull();
    fireEvent.change(provider, { target: { value: "gemini" } });
    const mode = screen.getByLabelText("Gemini reads");
    expect(mode).toHaveValue("text");
    expect(mode).toHaveAccessibleDescription(/no audio is sent/);
    expect(provider).toHaveAccessibleDescription(/redacted transcript/);
    fireEvent.change(mode, { target: { value: "audio" } });
    expect(mode).toHaveAccessibleDescription(/Uploads each call's AUDIO to Google/);
    expect(screen.getByTestId("gemini-mode-note")).toHaveTextContent("not redacted");
    expect(provider).toHaveAccessibleDescription(/Sends each call's audio/);
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves).toEqual([{ settings: { ...settings, provider: "gemini", gemini_mode: "audio" }, keys: [] }]));
    fireEvent.change(provider, { target: { value: "offline" } });
    expect(screen.queryByLabelText("Gemini reads")).toBeNull();
  });

  it("says which setting an environment variable decides for this session", async () => {
    mockIPC((cmd) => {
      if (cmd === "get_settings") return { ...view, overridden: [["model", "CALLSCOPE_MODEL"]] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<SettingsScreen />);
    const model = await screen.findByLabelText("Speech model");
    expect(screen.getByTestId("override-model")).toHaveTextContent("Set by $CALLSCOPE_MODEL for this session");
    expect(model).toHaveAccessibleDescription("Set by $CALLSCOPE_MODEL for this session");
    expect(screen.queryByTestId("override-filter_music")).toBeNull();
  });
});
