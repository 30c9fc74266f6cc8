using FastAV.Live.Torch;

namespace FastAV.Live.Models.Loading;

/// <summary>
/// The weights of a Hugging Face checkpoint: one model.safetensors, or shards listed by
/// model.safetensors.index.json. Every shard's header is validated when opened, and every tensor the index names
/// must be in its shard. <see cref="Get"/> checks the shape and names file, tensor and expected shape on a mismatch.
/// </summary>
public sealed class SafetensorsWeights : IWeightSource, IDisposable
{
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byTensor;

    private SafetensorsWeights(string source, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byTensor)
    {
        Source = source;
        _files = files;
        _byTensor = byTensor;
    }

    /// <summary>The file or index the weights came from.</summary>
    public string Source { get; }

    public IEnumerable<string> Names => _byTensor.Keys;

    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>
    /// Opens <paramref name="path"/>: a model directory (its index, else its model.safetensors), an index file, or a
    /// single .safetensors file.
    /// </summary>
    public static SafetensorsWeights Open(string path, SafetensorsOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var index = Path.Combine(path, SafetensorsIndex.FileName);
            var single = Path.Combine(path, "model.safetensors");
            path = File.Exists(index) ? index
                : File.Exists(single) ? single
                : throw new FileNotFoundException($"{path}: neither {SafetensorsIndex.FileName} nor model.safetensors is here");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? OpenSharded(path, options) : OpenSingle(path, options);
    }

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <summary>Where a tensor is stored and what the header says about it.</summary>
    public SafetensorsTensorInfo Info(string name) => FileOf(name).Tensors[name];

    public Tensor Get(string name, params long[] expectedShape)
    {
        ArgumentNullException.ThrowIfNull(name);
        var file = FileOf(name);
        var info = file.Tensors[name];
        if (expectedShape is { Length: > 0 } && !expectedShape.AsSpan().SequenceEqual(info.Shape))
        {
            throw new InvalidDataException(
                $"{file.Path}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but [{string.Join(", ", expectedShape)}] is expected");
        }

        return file.Load(name);
    }

    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
    }

    private SafetensorsFile FileOf(string name) => _byTensor.TryGetValue(name, out var file)
        ? file
        : throw new KeyNotFoundException($"{Source}: no tensor '{name}' ({_byTensor.Count} tensors here)");

    private static SafetensorsWeights OpenSingle(string path, SafetensorsOptions? options)
    {
        var file = SafetensorsFile.Open(path, options);
        return new SafetensorsWeights(path, [file], file.Tensors.Keys.ToDictionary(k => k, _ => file, StringComparer.Ordinal));
    }

    private static SafetensorsWeights OpenSharded(string indexPath, SafetensorsOptions? options)
    {
        var index = SafetensorsIndex.Load(indexPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var files = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var shard in index.ShardFiles)
            {
                var shardPath = Path.Combine(directory, shard);
                if (!File.Exists(shardPath))
                {
                    throw new FileNotFoundException($"{indexPath}: shard '{shard}' is missing", shardPath);
                }

                var file = SafetensorsFile.Open(shardPath, options);
                files.Add(file);
                byName[shard] = file;
            }

            var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shard) in index.WeightMap)
            {
                var file = byName[shard];
                byTensor[tensor] = file.Contains(tensor)
                    ? file
                    : throw new InvalidDataException($"{indexPath}: tensor '{tensor}' is mapped to {shard}, which does not hold it");
            }

            return new SafetensorsWeights(indexPath, files, byTensor);
        }
        catch
        {
            foreach (var f in files)
            {
                f.Dispose();
            }

            throw;
        }
    }
}
