using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Tests.Projectors;
using FastAV.Live.Torch;
using Xunit.Abstractions;

namespace FastAV.Live.Models.Tests.Audio;

/// <summary>
/// Every module output of the Whisper tower against the plain-PyTorch reference
/// (tests/reference/whisper_audio_encoder.py): the window fitted to its frames (trim / silence pad /
/// pad to a fixed length), conv + position embeddings, the first layer, the encoder output, time
/// pooling and the projector; 80 and 128 mel bins, several window lengths.
/// </summary>
[Collection(EncoderReferenceCollection.Name)]
public sealed class AudioTowerParityTests(EncoderReferenceFile reference, ITestOutputHelper output)
{
    [Theory]
    [InlineData("whisper80")]
    [InlineData("whisper128")]
    [InlineData("whisper_padded")]
    public void EveryModuleOutputMatchesTheReference(string name)
    {
        var c = reference[name];
        var config = c.AudioConfig();
        using var tower = new AudioTower(config, c.Weights);
        Assert.Equal(c.WeightArrays.Values.Sum(w => w.Data.LongLength), tower.Encoder.ParameterCount + tower.Projector.ParameterCount);
        foreach (var run in c.Runs)
        {
            var r = run.GetProperty("name").GetString()!;
            var seconds = run.GetProperty("seconds").GetDouble();
            using var scope = new TensorScope();
            var mel = c.Tensor(r, "mel");
            var input = tower.EncoderInput(mel, seconds);
            var worst = Parity.AssertClose(c, r, "encoder_input", input);
            worst = Math.Max(worst, Parity.AssertClose(c, r, "embeddings", tower.Encoder.Embed(input).Select(0, 0)));
            worst = Math.Max(worst, Parity.AssertClose(c, r, "layer0", tower.Encoder.HiddenState(input, 1).Select(0, 0)));
            var features = tower.Features(mel, seconds);
            worst = Math.Max(worst, Parity.AssertClose(c, r, "last_hidden_state", features));
            Assert.Equal(run.GetProperty("positions").GetInt32(), (int)features.Size(0));
            var pooled = TimePooling.Pool(features.Unsqueeze(0), config.PoolingKernel).Select(0, 0);
            worst = Math.Max(worst, Parity.AssertClose(c, r, "pooled", pooled));
            var block = tower.Embed(mel, seconds);
            worst = Math.Max(worst, Parity.AssertClose(c, r, "block", block));
            Assert.Equal(run.GetProperty("tokens").GetInt32(), tower.TokenCount(seconds));
            Assert.Equal(tower.TokenCount(seconds), (int)block.Size(0));

            // The flat-array entry point (LogMelSpectrogram's output) gives the same block.
            Parity.AssertClose(c, r, "block", tower.Embed(c.Array(r, "mel").Data, seconds));
            output.WriteLine($"{name}/{r} {seconds} s from {mel.Size(1)} frames -> {block.Size(0)} tokens: max abs diff {worst:E2}");
        }
    }

    [Fact]
    public void ComputedSinusoidsEqualTheStoredTable()
    {
        var c = reference["whisper80"];
        var (data, shape) = c.WeightArrays["encoder.embed_positions.weight"];
        using var table = WhisperPositions.Sinusoids((int)shape[0], (int)shape[1]);
        Assert.Equal(shape, table.Shape);
        var got = table.ToArray<float>();
        Assert.Equal(data, got);
        Assert.Equal(0f, got[0]); // sin(0)
        Assert.Equal(1f, got[(int)shape[1] / 2]); // cos(0)
    }
}
