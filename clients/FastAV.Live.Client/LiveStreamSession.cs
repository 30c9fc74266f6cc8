using System.Runtime.CompilerServices;
using FastAV.Live.Contracts.V1;
using Grpc.Core;

namespace FastAV.Live.Client;

/// <summary>
/// One open Stream call after StreamAccepted. Sends may come from several tasks (media and questions
/// interleave; writes are serialized here); responses are read by one reader through
/// <see cref="ReadResponsesAsync"/>. <see cref="CompleteAsync"/> half-closes; the server then sends the
/// final StreamStats and ends the call. Dispose cancels the call if it is still running.
/// </summary>
public sealed class LiveStreamSession : IAsyncDisposable, IDisposable
{
    private readonly AsyncDuplexStreamingCall<StreamRequest, StreamResponse> _call;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _reading;
    private bool _completed;

    internal LiveStreamSession(AsyncDuplexStreamingCall<StreamRequest, StreamResponse> call, StreamAccepted accepted)
    {
        _call = call;
        Accepted = accepted;
    }

    /// <summary>The server's StreamAccepted: effective settings, whether a model is loaded, the resume token.</summary>
    public StreamAccepted Accepted { get; }

    public string StreamId => Accepted.StreamId;

    /// <summary>Requests sent after the StreamOpen.</summary>
    public long RequestsSent { get; private set; }

    public Task SendVideoAsync(VideoFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return SendAsync(new StreamRequest { Video = frame }, cancellationToken);
    }

    public Task SendAudioAsync(AudioChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return SendAsync(new StreamRequest { Audio = chunk }, cancellationToken);
    }

    /// <summary>An ad-hoc question; its Answer (same question_id) arrives among the responses.</summary>
    public Task AskAsync(Question question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        return SendAsync(new StreamRequest { Question = question }, cancellationToken);
    }

    public Task AddStandingQuestionAsync(StandingQuestion question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        return SendAsync(new StreamRequest { StandingQuestion = question }, cancellationToken);
    }

    public Task CancelStandingQuestionAsync(string questionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questionId);
        return SendAsync(new StreamRequest { CancelStandingQuestion = new CancelStandingQuestion { QuestionId = questionId } }, cancellationToken);
    }

    /// <summary>Sends any request (e.g. one built by <see cref="MediaPackets"/>). A StreamOpen here is a protocol error the server answers with INVALID_ARGUMENT.</summary>
    public async Task SendAsync(StreamRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            await _call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            RequestsSent++;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Half-closes the request side: no more sends; the server finishes with a final StreamStats. Idempotent.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_completed)
            {
                _completed = true;
                await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The responses after StreamAccepted until the call ends; throws RpcException with the call's status
    /// when it ends without OK. One reader at a time.
    /// </summary>
    public async IAsyncEnumerable<StreamResponse> ReadResponsesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("The responses of a stream are read by one reader at a time.");
        }

        try
        {
            while (await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                yield return _call.ResponseStream.Current;
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>The call's final status; null while it is still running.</summary>
    public Status? TryGetStatus()
    {
        try
        {
            return _call.GetStatus();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _call.Dispose();
        _writeLock.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
