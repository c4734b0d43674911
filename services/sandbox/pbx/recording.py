"""MixMonitor: a real WAV file (8 kHz, mono, 16-bit) as long as the recording lasted.

The audio is a quiet 425 Hz tone, so players show a waveform and the duration can be checked.
MixMonitorStop is announced only for StopMixMonitor (app or action); a hang-up closes the file silently.
"""
from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .channels import Channel
    from .pbx import Pbx

RATE = 8000
MAX_SECONDS = 4 * 3600


@dataclass
class Recording:
    path: Path
    started: float


def tone(seconds: float, frequency: float = 425.0, amplitude: int = 1200) -> bytes:
    frames = int(min(max(seconds, 0.0), MAX_SECONDS) * RATE)
    period = [int(amplitude * math.sin(2 * math.pi * frequency * i / RATE)) for i in range(RATE)]
    samples = (period[i % RATE] for i in range(frames))
    return struct.pack(f"<{frames}h", *samples)


def write_wav(path: Path, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(tone(seconds))


class Recorder:
    def __init__(self, pbx: "Pbx", folder: Path) -> None:
        self.pbx = pbx
        self.folder = folder
        self.active: dict[str, Recording] = {}
        self.files: list[Path] = []

    def local_path(self, requested: str) -> Path:
        """Asterisk paths such as /var/spool/asterisk/monitor/x.wav land in the configured folder."""
        name = Path(requested).name or "recording.wav"
        return self.folder / (name if name.endswith(".wav") else f"{name}.wav")

    def start(self, channel: "Channel", requested: str) -> None:
        self.active[channel.name] = Recording(self.local_path(requested), self.pbx.clock.time())
        channel.audiohook = True
        channel.variables["MIXMONITOR_FILENAME"] = requested
        channel.emit("MixMonitorStart")

    def stop(self, channel: "Channel") -> bool:
        if channel.name not in self.active:
            return False
        self.finish(channel)
        channel.emit("MixMonitorStop")
        return True

    def finish(self, channel: "Channel") -> None:
        recording = self.active.pop(channel.name, None)
        if recording:
            write_wav(recording.path, self.pbx.clock.time() - recording.started)
            self.files.append(recording.path)
