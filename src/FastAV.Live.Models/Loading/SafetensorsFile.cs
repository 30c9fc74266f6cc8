using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Loading;

/// <summary>
/// One memory-mapped .safetensors file: an 8-byte little-endian header length, a JSON header, then the tensors'
/// bytes. The header is read and validated against the file's size before anything else; a tensor is copied once,
/// from the mapping straight into libtorch's storage.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly IntPtr _data;
    private readonly SafetensorsOptions _options;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, IntPtr data,
        Dictionary<string, SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata, SafetensorsOptions options)
    {
        Path = path;
        _map = map;
        _view = view;
        _data = data;
        Tensors = tensors;
        Metadata = metadata;
        _options = options;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path, SafetensorsOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SafetensorsOptions();
        options.Validate();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new InvalidDataException($"{path}: {fileLength} bytes is too short for a safetensors file (8-byte header length first)");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > (ulong)(fileLength - 8))
        {
            throw new InvalidDataException($"{path}: the header length {headerLength} does not fit the file ({fileLength - 8} bytes follow it)");
        }

        if (headerLength > (ulong)options.MaxHeaderBytes)
        {
            throw new InvalidDataException($"{path}: the header length {headerLength} is over the {options.MaxHeaderBytes}-byte limit");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        var (tensors, metadata) = SafetensorsHeader.Parse(header, fileLength - dataStart, path);

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
            if (view.Capacity < fileLength)
            {
                throw new InvalidDataException($"{path}: the file shrank while being opened");
            }

            var handle = view.SafeMemoryMappedViewHandle;
            var added = false;
            handle.DangerousAddRef(ref added);
            var data = handle.DangerousGetHandle() + (nint)view.PointerOffset + (nint)dataStart;
            return new SafetensorsFile(path, map, view, data, tensors, metadata, options);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => Tensors.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>, converted as <see cref="SafetensorsOptions"/> say.</summary>
    public Tensor Load(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Tensors.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException($"{Path}: no tensor '{name}'");
        }

        var tensor = Torch.Torch.FromBytes(_data + (nint)info.Begin, info.ByteLength, info.DType, info.Shape);
        var dtype = _options.DType ?? info.DType;
        var device = _options.Device ?? Device.Cpu;
        if (dtype == info.DType && device == Device.Cpu)
        {
            return tensor;
        }

        using (tensor)
        {
            return tensor.To(device, dtype);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.DangerousRelease();
        _view.Dispose();
        _map.Dispose();
    }
}
