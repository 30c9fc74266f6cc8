"""Model inputs from a stream: SigLIP pixel normalisation and Whisper log-mel (per 1 s window)."""
from __future__ import annotations

import numpy as np
import torch

N_FFT, HOP, N_MELS, SAMPLE_RATE = 400, 160, 80, 16000


def _hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz, min_log_mel, logstep = 200.0 / 3, 1000.0, 15.0, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz, min_log_mel, logstep = 200.0 / 3, 1000.0, 15.0, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def slaney_mel_filters(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """[n_mels, n_fft//2+1] Slaney-scale, area-normalised triangles (librosa's default, Whisper's bank)."""
    fft_f = np.linspace(0, sr / 2, n_fft // 2 + 1)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_f[None, :]
    w = np.zeros((n_mels, len(fft_f)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w


_FILTERS = torch.from_numpy(slaney_mel_filters()).float()
_WINDOW = torch.hann_window(N_FFT)  # periodic


def log_mel(audio: torch.Tensor) -> torch.Tensor:
    """[N, samples] float32 -> [N, 80, samples // 160]; each row normalised on its own (max - 8)."""
    spec = torch.stft(audio, N_FFT, HOP, window=_WINDOW, center=True, pad_mode="reflect", return_complex=True)
    power = spec[..., :-1].abs() ** 2
    mel = torch.clamp(_FILTERS @ power, min=1e-10).log10()
    mel = torch.maximum(mel, mel.amax(dim=(1, 2), keepdim=True) - 8.0)
    return (mel + 4.0) / 4.0


def pixel_values(frames: np.ndarray) -> torch.Tensor:
    """uint8 [..., H, W, 3] -> float [N, 3, H, W] in [-1, 1] (SigLIP: mean 0.5, std 0.5)."""
    x = torch.from_numpy(np.ascontiguousarray(frames)).reshape(-1, *frames.shape[-3:]).float()
    return (x.permute(0, 3, 1, 2) / 255.0 - 0.5) / 0.5
