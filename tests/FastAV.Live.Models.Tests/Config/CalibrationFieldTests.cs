using FastAV.Live.Models.Composition;
using FastAV.Live.Models.Config;
using FastAV.Live.Models.Tests.Composition;

namespace FastAV.Live.Models.Tests.Config;

/// <summary>fastav.json's optional "calibration" (fastav calibrate --write-model): read, bounded, checked against the model.</summary>
public sealed class CalibrationFieldTests
{
    // The shipped manifest without a calibration (it may carry one once the lead runs --write-model).
    private static string Shipped => File.ReadAllText(Path.Combine(RepositoryLayout.Root, "models", "fastav-tiny", "fastav.json"))
        .Replace("\"calibration\"", "\"calibration_shipped\"", StringComparison.Ordinal);

    private static string With(string calibration)
    {
        var text = Shipped;
        var open = text.IndexOf('{', StringComparison.Ordinal);
        return text[..(open + 1)] + $"\"calibration\": {calibration}," + text[(open + 1)..];
    }

    [Fact]
    public void AbsentIsNullAndPresentIsRead()
    {
        Assert.Null(FastAvConfig.Parse(Shipped).Calibration);
        Assert.Null(FastAvConfig.Parse(With("null")).Calibration);
        var c = FastAvConfig.Parse(With("{\"global_layer\": 2, \"keep_first_media_tokens\": 9, \"mass\": 0.9}")).Calibration!;
        Assert.Equal((2, 9, 0.9), (c.GlobalLayer, c.KeepFirstMediaTokens, c.Mass));
    }

    [Theory]
    [InlineData("[1, 2]", "calibration must be an object")]
    [InlineData("{\"keep_first_media_tokens\": 9, \"mass\": 0.9}", "global_layer is required")]
    [InlineData("{\"global_layer\": 0, \"keep_first_media_tokens\": 9, \"mass\": 0.9}", "global_layer must be an integer in 1..4096")]
    [InlineData("{\"global_layer\": 2.5, \"keep_first_media_tokens\": 9, \"mass\": 0.9}", "global_layer must be an integer")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": -1, \"mass\": 0.9}", "keep_first_media_tokens must be an integer in 1..")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 99999999999, \"mass\": 0.9}", "keep_first_media_tokens must be an integer")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": \"9\", \"mass\": 0.9}", "keep_first_media_tokens must be an integer")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 9}", "mass is required")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 9, \"mass\": 0}", "mass must be a share in (0, 1]")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 9, \"mass\": 1.5}", "mass must be a share in (0, 1]")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 9, \"mass\": 1e999}", "mass must be a finite number")]
    public void HostileCalibrationsAreClearErrors(string calibration, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => FastAvConfig.Parse(With(calibration)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"global_layer\": 4, \"keep_first_media_tokens\": 9, \"mass\": 0.9}", "global_layer 4 must be within 1..3")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 14, \"mass\": 0.9}", "keep_first_media_tokens 14 exceeds the 13 media tokens")]
    public void RulesTheModelCannotRunFailTheLoad(string calibration, string message)
    {
        using var dir = new TinyModelDirectory();
        File.WriteAllText(dir.File("fastav.json"), With(calibration));
        var ex = Assert.Throws<InvalidDataException>(() => AvModel.Load(dir.Path));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
