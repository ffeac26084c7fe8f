import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { api } from "../api";
import { Waveform } from "./Waveform";

export type PlayerHandle = { seek: (ms: number) => void };

type Props = {
  ref?: Ref<PlayerHandle>;
  callId: number;
  fileName: string;
  available: boolean;
  durationMs: number;
  positionMs: number;
  onTime: (ms: number) => void;
};

/** How many times a recording WebKit could not open is read again before giving up. */
const MAX_REREADS = 2;

/** The call's recording, when it is still on disk: waveform and player; reports the position.
 * The recording is read only when the user plays it (the button, a transcript time or the
 * waveform): read on opening, every call browsed held its whole recording in the web process
 * until JavaScript garbage was next collected. */
export function AudioPlayer({ ref, callId, fileName, available, durationMs, positionMs, onTime }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const [wanted, setWanted] = useState(false);
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // WebKitGTK now and then cannot open a freshly made blob (media error 4, and the blob itself
  // no longer loads; about one play in five under load); reading the recording again makes it
  // play.
  const [attempt, setAttempt] = useState(0);
  // Where to start once the recording is loaded (ms), when play was asked for before.
  const startAt = useRef<number | null>(null);

  useEffect(() => {
    if (!available || !wanted) return;
    let url: string | null = null;
    let gone = false;
    api.callAudioUrl(callId).then(
      (u) => {
        url = u;
        if (gone && u) URL.revokeObjectURL(u);
        else if (u === null) setError(`${fileName}: the recording is no longer where it was analysed, so it cannot be played.`);
        else setSrc(u);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [callId, available, wanted, fileName, attempt]);

  useEffect(() => {
    const el = audio.current;
    if (!src || !el || startAt.current === null) return;
    el.currentTime = startAt.current / 1000;
    startAt.current = null;
    void el.play().catch(() => undefined);
  }, [src]);

  function seek(ms: number) {
    onTime(ms);
    const el = audio.current;
    if (error) return;
    if (!el) {
      startAt.current = ms;
      setWanted(true);
      return;
    }
    el.currentTime = ms / 1000;
    void el.play().catch(() => undefined);
  }

  useImperativeHandle(ref, () => ({ seek }));

  if (!available) {
    return <p className="muted panel">The recording of {fileName} is no longer where it was analysed, so it cannot be played.</p>;
  }
  return (
    <div className="panel player">
      <Waveform callId={callId} durationMs={durationMs} positionMs={positionMs} onSeek={seek} />
      {/* No preload: WebKit builds a GStreamer pipeline (threads, decoded audio) for every
          element that loads, and keeps it until the element is garbage-collected. Emptying the
          element on close would free it, but tearing a pipeline down while it is still
          prerolling deadlocked the web process. */}
      {!src && !error && (
        <button type="button" className="play-recording" data-testid="play-recording" disabled={wanted} onClick={() => seek(positionMs)}>
          {wanted ? "Loading the recording…" : "▶ Play recording"}
        </button>
      )}
      {src && (
        <audio
          ref={audio}
          src={src}
          controls
          preload="none"
          data-attempt={attempt}
          aria-label={`Recording of ${fileName}`}
          onTimeUpdate={(e) => onTime(e.currentTarget.currentTime * 1000)}
          onError={(e) => {
            const code = e.currentTarget.error?.code;
            if (code === 4 /* MEDIA_ERR_SRC_NOT_SUPPORTED */ && attempt < MAX_REREADS) {
              console.warn(`${fileName}: the recording did not open (media error ${code}); reading it again`);
              startAt.current = e.currentTarget.currentTime * 1000 || positionMs;
              setSrc(null);
              setAttempt(attempt + 1);
              return;
            }
            setError(`${fileName}: this recording cannot be played here${code ? ` (media error ${code})` : ""}; the transcript and analysis are unaffected.`);
          }}
        />
      )}
      {error && <p className="inline-error" role="alert">{error}</p>}
    </div>
  );
}
