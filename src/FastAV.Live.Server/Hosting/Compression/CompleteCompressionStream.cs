namespace FastAV.Live.Server.Hosting.Compression;

/// <summary>
/// A compressing stream that always ends in complete gzip or zlib data. .NET's GZipStream and ZLibStream write nothing
/// at all for empty input, so an empty response message (an empty ListStreams page) would go out as a compressed
/// message of zero bytes, which is no valid gzip or zlib stream to a strict peer; here it becomes the format's own
/// empty stream.
/// </summary>
internal sealed class CompleteCompressionStream(Stream compressor, Stream output, string encoding) : Stream
{
    // gzip: header (magic, deflate, no flags, no MTIME, XFL 0, OS unknown), an empty final block, CRC-32 0, ISIZE 0.
    private static readonly byte[] EmptyGzip = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    // zlib: header (deflate, 32K window, default level), an empty final block, Adler-32 1.
    private static readonly byte[] EmptyZlib = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    private bool _written;
    private bool _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _written |= buffer.Length > 0;
        compressor.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written |= buffer.Length > 0;
        await compressor.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => compressor.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => compressor.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            compressor.Dispose();
            if (!_written)
            {
                output.Write(encoding == BoundedCompressionProvider.Gzip ? EmptyGzip : EmptyZlib);
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await compressor.DisposeAsync().ConfigureAwait(false);
            if (!_written)
            {
                await output.WriteAsync(encoding == BoundedCompressionProvider.Gzip ? EmptyGzip : EmptyZlib).ConfigureAwait(false);
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
