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

/** The call's recording, when it is still on disk: waveform and player; reports the position. */
export function AudioPlayer({ ref, callId, fileName, available, durationMs, positionMs, onTime }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!available) return;
    let url: string | null = null;
    let gone = false;
    api.callAudioUrl(callId).then(
      (u) => {
        url = u;
        if (gone && u) URL.revokeObjectURL(u);
        else setSrc(u);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [callId, available]);

  function seek(ms: number) {
    onTime(ms);
    const el = audio.current;
    if (!el || error) return;
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
          element that loads, and keeps it until the element is garbage-collected, so browsing
          30 calls grew the web process to 600 MB. Emptying the element on close frees it, but
          tearing a pipeline down while it is still prerolling deadlocked the web process; with
          no preload only the calls actually played get one. */}
      {src && (
        <audio
          ref={audio}
          src={src}
          controls
          preload="none"
          aria-label={`Recording of ${fileName}`}
          onTimeUpdate={(e) => onTime(e.currentTarget.currentTime * 1000)}
          onError={(e) => {
            const code = e.currentTarget.error?.code;
            setError(`${fileName}: this recording cannot be played here${code ? ` (media error ${code})` : ""}; the transcript and analysis are unaffected.`);
          }}
        />
      )}
      {error && <p className="inline-error" role="alert">{error}</p>}
    </div>
  );
}
