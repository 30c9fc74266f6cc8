namespace FastAV.Live.Media;

/// <summary>Slaney-style mel filter bank (the one Whisper's features use): triangles on the Slaney mel scale, area-normalised.</summary>
public static class MelFilterBank
{
    private const double LinearHzPerMel = 200.0 / 3;
    private const double LogStartHz = 1000.0;
    private const double LogStartMel = LogStartHz / LinearHzPerMel; // 15
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    public static double HzToMel(double hz) =>
        hz < LogStartHz ? hz / LinearHzPerMel : LogStartMel + (Math.Log(hz / LogStartHz) / LogStep);

    public static double MelToHz(double mel) =>
        mel < LogStartMel ? mel * LinearHzPerMel : LogStartHz * Math.Exp(LogStep * (mel - LogStartMel));

    /// <summary>Returns <c>[melBins, fftSize / 2 + 1]</c> weights from 0 Hz to Nyquist.</summary>
    public static double[] Slaney(int sampleRate, int fftSize, int melBins)
    {
        var bins = (fftSize / 2) + 1;
        var fftHz = new double[bins];
        for (var k = 0; k < bins; k++)
        {
            fftHz[k] = (double)k * sampleRate / fftSize;
        }

        var maxMel = HzToMel(sampleRate / 2.0);
        var edgesHz = new double[melBins + 2];
        for (var i = 0; i < edgesHz.Length; i++)
        {
            edgesHz[i] = MelToHz(maxMel * i / (melBins + 1));
        }

        var weights = new double[melBins * bins];
        for (var m = 0; m < melBins; m++)
        {
            double lo = edgesHz[m], centre = edgesHz[m + 1], hi = edgesHz[m + 2];
            var area = 2.0 / (hi - lo);
            for (var k = 0; k < bins; k++)
            {
                var rising = (fftHz[k] - lo) / (centre - lo);
                var falling = (hi - fftHz[k]) / (hi - centre);
                weights[(m * bins) + k] = Math.Max(0, Math.Min(rising, falling)) * area;
            }
        }

        return weights;
    }
}
