using FastAV.Live.Engine.Running;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Tests.Running;

/// <summary>A stream's whole state as text: KV tensors bit for bit, positions and the cache's bookkeeping rows.</summary>
internal static class StreamSnapshot
{
    public static string Of(StreamKv stream)
    {
        var parts = new List<string>();
        for (var l = 0; l < stream.Tensors.LayerCount; l++)
        {
            using var scope = new TensorScope();
            var kv = stream.Tensors[l];
            parts.Add(Convert.ToBase64String(MemoryBytes(kv.Keys().Contiguous().ToArray<float>())));
            parts.Add(Convert.ToBase64String(MemoryBytes(kv.Values().Contiguous().ToArray<float>())));
            parts.Add(string.Join(",", kv.Positions.ToArray()));
            parts.Add(string.Join(";", stream.Cache.Layer(l).Rows.ToArray().Select(r => r.ToString())));
        }

        return string.Join("|", parts);
    }

    private static byte[] MemoryBytes(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
