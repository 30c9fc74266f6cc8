using FastAV.Live.Models.Composition;
using FastAV.Live.Models.Config;
using FastAV.Live.Models.Tests.Composition;

namespace FastAV.Live.Models.Tests.Config;

/// <summary>fastav.json's optional "keep_rule" (stated, not measured): read, bounded, below a calibration in precedence.</summary>
public sealed class KeepRuleFieldTests
{
    private static string Shipped => File.ReadAllText(Path.Combine(RepositoryLayout.Root, "models", "fastav-tiny", "fastav.json"))
        .Replace("\"calibration\"", "\"calibration_shipped\"", StringComparison.Ordinal);

    private static string With(string field, string value)
    {
        var text = Shipped;
        var open = text.IndexOf('{', StringComparison.Ordinal);
        return text[..(open + 1)] + $"\"{field}\": {value}," + text[(open + 1)..];
    }

    [Fact]
    public void AStatedRuleIsTheDefaultUnlessACalibrationIsThere()
    {
        Assert.Null(FastAvConfig.Parse(Shipped).DefaultKeepRule);
        var stated = FastAvConfig.Parse(With("keep_rule", "{\"global_layer\": 2, \"keep_first_media_tokens\": 6, \"basis\": \"the paper's shape\"}"));
        Assert.Equal((2, 6, "the paper's shape"), (stated.KeepRule!.GlobalLayer, stated.KeepRule.KeepFirstMediaTokens, stated.KeepRule.Basis));
        Assert.Equal((2, 6), stated.DefaultKeepRule);

        var both = FastAvConfig.Parse(With("calibration", "{\"global_layer\": 1, \"keep_first_media_tokens\": 9, \"mass\": 0.9}")
            .Replace("{\"calibration\"", "{\"keep_rule\": {\"global_layer\": 2, \"keep_first_media_tokens\": 6, \"basis\": \"stated\"}, \"calibration\"", StringComparison.Ordinal));
        Assert.Equal((1, 9), both.DefaultKeepRule);
    }

    [Theory]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 6}", "basis is required")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 6, \"basis\": \" \"}", "basis is required")]
    [InlineData("{\"global_layer\": 0, \"keep_first_media_tokens\": 6, \"basis\": \"b\"}", "global_layer must be an integer in 1..4096")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": \"6\", \"basis\": \"b\"}", "keep_first_media_tokens must be an integer")]
    [InlineData("7", "keep_rule must be an object")]
    public void HostileRulesAreClearErrors(string rule, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => FastAvConfig.Parse(With("keep_rule", rule)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"global_layer\": 4, \"keep_first_media_tokens\": 6, \"basis\": \"b\"}", "keep_rule.global_layer 4 must be within 1..3")]
    [InlineData("{\"global_layer\": 2, \"keep_first_media_tokens\": 14, \"basis\": \"b\"}", "keep_rule.keep_first_media_tokens 14 exceeds the 13 media tokens")]
    public void RulesTheModelCannotRunFailTheLoad(string rule, string message)
    {
        using var dir = new TinyModelDirectory();
        File.WriteAllText(dir.File("fastav.json"), With("keep_rule", rule));
        var ex = Assert.Throws<InvalidDataException>(() => AvModel.Load(dir.Path));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
