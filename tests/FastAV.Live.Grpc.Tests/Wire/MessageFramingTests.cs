using System.Buffers;
using System.IO.Pipelines;
using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc.Tests.Wire;

public sealed class MessageFramingTests
{
    private static readonly Func<ReadOnlySequence<byte>, byte[]> AsBytes = s => s.ToArray();

    [Fact]
    public void Frame_layout_is_flag_then_big_endian_length_then_payload()
    {
        var frame = MessageFraming.Frame([0xAA, 0xBB, 0xCC], compressed: true);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 3, 0xAA, 0xBB, 0xCC }, frame);
    }

    [Fact]
    public async Task Every_split_point_of_three_frames_yields_the_same_messages()
    {
        var payloads = new[] { Array.Empty<byte>(), Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), new byte[] { 42 } };
        var wire = payloads.SelectMany(p => MessageFraming.Frame(p, compressed: false)).ToArray();
        for (var split1 = 0; split1 <= wire.Length; split1++)
        {
            // Two cut points: every first split, and a second one a fixed stride after it.
            var split2 = Math.Min(wire.Length, split1 + 7);
            var got = await ReadAllAsync([wire[..split1], wire[split1..split2], wire[split2..]], maxSize: 1000);
            Assert.Equal(payloads.Length, got.Count);
            for (var i = 0; i < payloads.Length; i++)
            {
                Assert.Equal(payloads[i], got[i]);
            }
        }
    }

    [Fact]
    public async Task One_byte_at_a_time_is_read_correctly()
    {
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var wire = MessageFraming.Frame(payload, compressed: false);
        var got = await ReadAllAsync(wire.Select(b => new[] { b }).ToArray(), maxSize: 2000);
        Assert.Equal(payload, Assert.Single(got));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public async Task A_stream_ending_inside_a_frame_is_internal(int keep)
    {
        var wire = MessageFraming.Frame(new byte[10], compressed: false)[..keep];
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync([wire], maxSize: 100));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("Incomplete", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_length_over_the_limit_is_resource_exhausted_before_the_body_arrives()
    {
        byte[] header = [0, 0, 0x40, 0, 1]; // 4 MiB + 1, no body at all
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync([header], maxSize: GrpcProtocol.DefaultMaxMessageSize));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task A_message_exactly_at_the_limit_is_accepted()
    {
        var got = await ReadAllAsync([MessageFraming.Frame(new byte[64], compressed: false)], maxSize: 64);
        Assert.Equal(64, Assert.Single(got).Length);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public async Task A_flag_byte_other_than_0_or_1_is_internal(byte flag)
    {
        byte[] frame = [flag, 0, 0, 0, 1, 7];
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync([frame], maxSize: 100));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task A_compressed_message_without_an_encoding_is_internal()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync([MessageFraming.Frame([1, 2], compressed: true)], maxSize: 100));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Theory]
    [InlineData(MessageCompression.Gzip)]
    [InlineData(MessageCompression.Deflate)]
    public async Task Compressed_messages_inflate_and_a_bomb_is_stopped_at_the_limit(string encoding)
    {
        var payload = new byte[100_000];
        var compressed = MessageCompression.Compress(encoding, payload);
        Assert.True(compressed.Length < 1000);
        var got = await ReadAllAsync([MessageFraming.Frame(compressed, compressed: true)], maxSize: 100_000, encoding);
        Assert.Equal(payload, Assert.Single(got));

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            ReadAllAsync([MessageFraming.Frame(compressed, compressed: true)], maxSize: 99_999, encoding));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Corrupt_gzip_is_internal()
    {
        byte[] garbage = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef];
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            ReadAllAsync([MessageFraming.Frame(garbage, compressed: true)], maxSize: 1000, MessageCompression.Gzip));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    private static async Task<List<byte[]>> ReadAllAsync(byte[][] chunks, int maxSize, string? encoding = null)
    {
        var pipe = new Pipe();
        var reader = new MessageReader(pipe.Reader, maxSize, encoding, "test");
        var writing = Task.Run(async () =>
        {
            foreach (var chunk in chunks)
            {
                await pipe.Writer.WriteAsync(chunk);
            }

            await pipe.Writer.CompleteAsync();
        });
        var messages = new List<byte[]>();
        while (true)
        {
            var (has, message) = await reader.ReadAsync(AsBytes, CancellationToken.None);
            if (!has)
            {
                break;
            }

            messages.Add(message);
        }

        await writing;
        return messages;
    }
}
