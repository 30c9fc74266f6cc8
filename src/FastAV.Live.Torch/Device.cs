using System.Globalization;

namespace FastAV.Live.Torch;

/// <summary>A device such as <c>cpu</c> or <c>cuda:0</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static Device Cpu { get; } = new(DeviceType.Cpu);

    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "cpu")
        {
            return Cpu;
        }

        if (text == "cuda")
        {
            return Cuda();
        }

        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Cuda(index);
        }

        throw new FormatException($"'{text}' is not a device (expected cpu, cuda or cuda:N)");
    }

    public override string ToString() =>
        Type == DeviceType.Cpu ? "cpu" : string.Create(CultureInfo.InvariantCulture, $"cuda:{Index}");
}
