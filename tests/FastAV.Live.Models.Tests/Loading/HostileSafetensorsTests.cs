using System.Buffers.Binary;
using System.Text;
using FastAV.Live.Models.Loading;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Loading;

/// <summary>
/// Bad model files: each is refused with an error naming the file and what is wrong, before any allocation larger
/// than the file (the declared sizes are never trusted).
/// </summary>
public sealed class HostileSafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastav-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, int, string> BadHeaders => new()
    {
        { "not json", "{\"a\": ", 0, "not valid JSON" },
        { "array", "[1, 2]", 0, "not a JSON object" },
        { "unknown dtype", Entry("w", "F8_E4M3", "[4]", 0, 4), 4, "dtype 'F8_E4M3' is not supported" },
        { "int8 dtype", Entry("w", "I8", "[4]", 0, 4), 4, "dtype 'I8' is not supported" },
        { "missing dtype", "{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "no dtype" },
        { "shape lies (small)", Entry("w", "F32", "[3]", 0, 16), 16, "needs 12 bytes but data_offsets [0, 16] span 16" },
        { "shape lies (huge)", Entry("w", "F32", "[1000000, 1000000]", 0, 16), 16, "needs 4000000000000 bytes" },
        { "shape overflows", Entry("w", "F32", "[4611686018427387904, 4611686018427387904]", 0, 16), 16, "more than 2^63" },
        { "negative dim", Entry("w", "F32", "[-4]", 0, 16), 16, "not a non-negative integer" },
        { "fractional dim", Entry("w", "F32", "[1.5]", 0, 4), 4, "not a non-negative integer" },
        { "offsets past the end", Entry("w", "F32", "[4]", 0, 16), 8, "outside the 8-byte data section" },
        { "offsets reversed", Entry("w", "F32", "[0]", 8, 4), 8, "outside" },
        { "offsets arity", "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", 4, "data_offsets is not [begin, end]" },
        { "overlap", "{" + Inner("a", "F32", "[4]", 0, 16) + "," + Inner("b", "F32", "[4]", 8, 24) + "}", 24, "overlap" },
        { "hole", "{" + Inner("a", "F32", "[2]", 0, 8) + "," + Inner("b", "F32", "[2]", 16, 24) + "}", 24, "belong to no tensor" },
        { "trailing bytes", Entry("w", "F32", "[2]", 0, 8), 12, "tensors cover 8" },
        { "duplicate name", "{" + Inner("a", "F32", "[1]", 0, 4) + "," + Inner("a", "F32", "[1]", 4, 8) + "}", 8, "lists 'a' twice" },
        { "metadata not strings", "{\"__metadata__\": {\"n\": 3}}", 0, "is not a string" },
        { "deep nesting", new string('[', 100) + new string(']', 100), 0, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void BadHeaderIsAClearErrorWithoutLargeAllocations(string what, string header, int dataBytes, string message)
    {
        var path = Write($"{what.Replace(' ', '_')}.safetensors", header, dataBytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, ex.Message);
        Assert.Contains(message, ex.Message);
        Assert.True(allocated < 1_000_000, $"{what}: {allocated} bytes allocated for a {new FileInfo(path).Length}-byte file");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void FileShorterThanTheLengthPrefix(int length)
    {
        var path = Path.Combine(_dir, "short.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("too short", ex.Message);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    [InlineData(41UL)] // one byte more than the file holds
    [InlineData(0UL)]
    public void HeaderLengthThatDoesNotFitTheFile(ulong declared)
    {
        var path = Write("length.safetensors", "{}".PadRight(40), 0, declared);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000);
        Assert.Contains($"header length {declared} does not fit", ex.Message);
    }

    [Fact]
    public void HeaderOverTheConfiguredLimit()
    {
        var path = Write("big.safetensors", "{}".PadRight(4096), 0);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path, new SafetensorsOptions { MaxHeaderBytes = 1024 }));
        Assert.Contains("over the 1024-byte limit", ex.Message);
    }

    [Fact]
    public void TruncatedCheckpointIsRefused()
    {
        var full = Write("full.safetensors", "{" + Inner("a", "F32", "[4]", 0, 16) + "," + Inner("b", "BF16", "[8]", 16, 32) + "}", 32);
        var bytes = File.ReadAllBytes(full);
        var cut = Path.Combine(_dir, "cut.safetensors");
        File.WriteAllBytes(cut, bytes[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(cut));
        Assert.Contains("'b'", ex.Message);
        Assert.Contains("outside the 22-byte data section", ex.Message);
    }

    [Fact]
    public void ValidHandWrittenFileLoads()
    {
        using var scope = new TensorScope();
        var path = Write("ok.safetensors", Entry("w", "F32", "[2, 2]", 0, 16), 16, fill: i => BitConverter.GetBytes(i + 0.5f));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], file.Load("w").ToArray<float>());
    }

    [Fact]
    public void IndexWithEscapingShardNameIsRefused()
    {
        var index = WriteIndex("{\"weight_map\": {\"w\": \"../outside.safetensors\"}}");
        var ex = Assert.Throws<InvalidDataException>(() => SafetensorsWeights.Open(index));
        Assert.Contains("not a .safetensors file name beside the index", ex.Message);
    }

    [Fact]
    public void IndexNamingAMissingShardOrTensorIsRefused()
    {
        var missing = Assert.Throws<FileNotFoundException>(() =>
            SafetensorsWeights.Open(WriteIndex("{\"weight_map\": {\"w\": \"model-1.safetensors\"}}")));
        Assert.Contains("shard 'model-1.safetensors' is missing", missing.Message);

        Write("model-2.safetensors", Entry("w", "F32", "[1]", 0, 4), 4);
        var absent = Assert.Throws<InvalidDataException>(() =>
            SafetensorsWeights.Open(WriteIndex("{\"weight_map\": {\"w\": \"model-2.safetensors\", \"v\": \"model-2.safetensors\"}}")));
        Assert.Contains("tensor 'v' is mapped to model-2.safetensors, which does not hold it", absent.Message);

        Assert.Throws<InvalidDataException>(() => SafetensorsWeights.Open(WriteIndex("{\"weight_map\": [1]}")));
        Assert.Throws<InvalidDataException>(() => SafetensorsWeights.Open(WriteIndex("not json")));
    }

    [Fact]
    public void DirectoryWithoutWeightsIsAClearError()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var ex = Assert.Throws<FileNotFoundException>(() => SafetensorsWeights.Open(empty));
        Assert.Contains("model.safetensors", ex.Message);
    }

    private static string Inner(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\": {{\"dtype\": \"{dtype}\", \"shape\": {shape}, \"data_offsets\": [{begin}, {end}]}}";

    private static string Entry(string name, string dtype, string shape, long begin, long end) => "{" + Inner(name, dtype, shape, begin, end) + "}";

    private string Write(string name, string header, int dataBytes, ulong? declaredLength = null, Func<int, byte[]>? fill = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        if (fill is not null)
        {
            for (var i = 0; (i + 1) * 4 <= dataBytes; i++)
            {
                fill(i).CopyTo(bytes, 8 + json.Length + (i * 4));
            }
        }

        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteIndex(string json)
    {
        var path = Path.Combine(_dir, SafetensorsIndex.FileName);
        File.WriteAllText(path, json);
        return path;
    }
}
