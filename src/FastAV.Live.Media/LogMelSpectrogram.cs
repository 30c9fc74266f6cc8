namespace FastAV.Live.Media;

/// <summary>
/// Whisper-style log-mel features of 16 kHz mono audio: 25 ms periodic Hann window (400 samples),
/// 10 ms hop (160), centred frames with reflect padding, power spectrum, Slaney mel filter bank
/// (80 or 128 bins), log10 clamped at 1e-10, floored at max − 8, then (x + 4) / 4.
/// Output <c>[MelBins, frames]</c> with frames = samples / 160 (Whisper drops the last STFT frame).
/// </summary>
public sealed class LogMelSpectrogram
{
    public const int SampleRate = 16000;
    public const int FftSize = 400;
    public const int HopLength = 160;
    private const int Bins = (FftSize / 2) + 1;

    private readonly double[] _window = new double[FftSize];
    private readonly double[] _cos = new double[Bins * FftSize];
    private readonly double[] _sin = new double[Bins * FftSize];
    private readonly double[] _filters; // [MelBins, Bins]

    public LogMelSpectrogram(int melBins = 80)
    {
        if (melBins is not (80 or 128))
        {
            throw new ArgumentOutOfRangeException(nameof(melBins), melBins, "Whisper-style features use 80 or 128 mel bins");
        }

        MelBins = melBins;
        for (var n = 0; n < FftSize; n++)
        {
            _window[n] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * n / FftSize));
        }

        for (var k = 0; k < Bins; k++)
        {
            for (var n = 0; n < FftSize; n++)
            {
                // (k·n mod N) keeps the angle small, so the table is exact to double precision.
                var angle = 2 * Math.PI * ((long)k * n % FftSize) / FftSize;
                _cos[(k * FftSize) + n] = Math.Cos(angle);
                _sin[(k * FftSize) + n] = Math.Sin(angle);
            }
        }

        _filters = MelFilterBank.Slaney(SampleRate, FftSize, melBins);
    }

    public int MelBins { get; }

    public static int FrameCount(int samples) => samples / HopLength;

    /// <summary>Returns <c>[MelBins, samples / 160]</c>; needs more than 200 samples (reflect padding).</summary>
    public float[] Compute(ReadOnlySpan<float> audio)
    {
        if (audio.Length <= FftSize / 2)
        {
            throw new ArgumentException($"log-mel needs more than {FftSize / 2} samples, got {audio.Length}", nameof(audio));
        }

        var frames = FrameCount(audio.Length);
        var mel = new double[MelBins * frames];
        var segment = new double[FftSize];
        var power = new double[Bins];
        for (var f = 0; f < frames; f++)
        {
            var start = (f * HopLength) - (FftSize / 2);
            for (var n = 0; n < FftSize; n++)
            {
                segment[n] = Reflect(audio, start + n) * _window[n];
            }

            for (var k = 0; k < Bins; k++)
            {
                double re = 0, im = 0;
                var row = k * FftSize;
                for (var n = 0; n < FftSize; n++)
                {
                    re += segment[n] * _cos[row + n];
                    im -= segment[n] * _sin[row + n];
                }

                power[k] = (re * re) + (im * im);
            }

            for (var m = 0; m < MelBins; m++)
            {
                double sum = 0;
                var row = m * Bins;
                for (var k = 0; k < Bins; k++)
                {
                    sum += _filters[row + k] * power[k];
                }

                mel[(m * frames) + f] = Math.Log10(Math.Max(sum, 1e-10));
            }
        }

        var max = double.NegativeInfinity;
        foreach (var v in mel)
        {
            max = Math.Max(max, double.IsNaN(v) ? max : v);
        }

        var output = new float[mel.Length];
        for (var i = 0; i < mel.Length; i++)
        {
            var v = double.IsNaN(mel[i]) ? max - 8 : Math.Max(mel[i], max - 8);
            output[i] = (float)((v + 4) / 4);
        }

        return output;
    }

    private static double Reflect(ReadOnlySpan<float> x, int i)
    {
        // Reflect without repeating the edge sample (torch's "reflect" pad); valid while |overhang| < length.
        if (i < 0)
        {
            i = -i;
        }
        else if (i >= x.Length)
        {
            i = (2 * (x.Length - 1)) - i;
        }

        var v = x[i];
        return float.IsFinite(v) ? v : 0;
    }
}
