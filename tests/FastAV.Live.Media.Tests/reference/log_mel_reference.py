"""Reference Whisper-style log-mel for LogMelSpectrogramTests (run with Debian's /usr/bin/python3).

usage: log_mel_reference.py INPUT.f32 OUTPUT.f32 N_MELS
INPUT: 16 kHz mono float32 little-endian samples. OUTPUT: float32 [N_MELS, frames], row-major.
torch.stft (float64) for the spectrum; the Slaney mel filter bank built here with numpy.
"""
import sys

import numpy as np
import torch

N_FFT, HOP, SR = 400, 160, 16000


def hz_to_mel(hz):
    hz = np.asarray(hz, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(hz >= min_log_hz, min_log_mel + np.log(np.maximum(hz, 1e-12) / min_log_hz) / logstep, hz / f_sp)


def mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(mel >= min_log_mel, min_log_hz * np.exp(logstep * (mel - min_log_mel)), f_sp * mel)


def slaney_filters(n_mels):
    fft_hz = np.linspace(0, SR / 2, N_FFT // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SR / 2), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    return weights * (2.0 / (edges[2:] - edges[:-2]))[:, None]


def main():
    src, dst, n_mels = sys.argv[1], sys.argv[2], int(sys.argv[3])
    audio = torch.from_numpy(np.fromfile(src, dtype="<f4").astype(np.float64))
    window = torch.hann_window(N_FFT, dtype=torch.float64)
    stft = torch.stft(audio, N_FFT, HOP, window=window, center=True, pad_mode="reflect", return_complex=True)
    power = stft[..., :-1].abs() ** 2
    mel = torch.from_numpy(slaney_filters(n_mels)) @ power
    log_spec = torch.clamp(mel, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    log_spec = (log_spec + 4.0) / 4.0
    log_spec.numpy().astype("<f4").tofile(dst)


if __name__ == "__main__":
    main()
