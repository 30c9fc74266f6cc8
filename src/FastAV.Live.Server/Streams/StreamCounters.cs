using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// The counters of one stream. Written by the stream's own call, read at any time by ListStreams,
/// GetStream and the stats timer, so every field is read and written atomically.
/// </summary>
public sealed class StreamCounters
{
    // Indexed by WarningCode value; the enum is small and dense.
    private readonly long[] _rejections = new long[Enum.GetValues<WarningCode>().Max(c => (int)c) + 1];
    private long _videoAccepted;
    private long _videoRejected;
    private long _audioAccepted;
    private long _audioRejected;
    private long _mediaBytes;
    private long _questions;
    private long _answers;
    private long _unknownMessages;
    private long _warningsSuppressed;
    private long _requests;
    private long _decodeErrors;
    private long _answersDropped;
    private long _discontinuities;
    private long _asksRefused;
    private long _standingRefused;
    private long _mediaRefused;
    private long _detachedAnswersDropped;
    private long _resumes;
    private long _lastVideoPtsUs = -1;
    private long _lastAudioPtsUs = -1;
    private long _firstPtsUs = -1;

    public long VideoFramesAccepted => Interlocked.Read(ref _videoAccepted);

    public long VideoFramesRejected => Interlocked.Read(ref _videoRejected);

    public long AudioChunksAccepted => Interlocked.Read(ref _audioAccepted);

    public long AudioChunksRejected => Interlocked.Read(ref _audioRejected);

    public long MediaBytesReceived => Interlocked.Read(ref _mediaBytes);

    public long QuestionsReceived => Interlocked.Read(ref _questions);

    public long AnswersSent => Interlocked.Read(ref _answers);

    public long UnknownMessages => Interlocked.Read(ref _unknownMessages);

    public long WarningsSuppressed => Interlocked.Read(ref _warningsSuppressed);

    public long RequestsReceived => Interlocked.Read(ref _requests);

    public long DecodeErrors => Interlocked.Read(ref _decodeErrors);

    public long AnswersDropped => Interlocked.Read(ref _answersDropped);

    /// <summary>pts discontinuities (clock jumps and resets) over both tracks.</summary>
    public long PtsDiscontinuities => Interlocked.Read(ref _discontinuities);

    /// <summary>Ask calls about the stream refused by an asks_per_second quota.</summary>
    public long AsksRefused => Interlocked.Read(ref _asksRefused);

    /// <summary>Standing questions refused by a max_standing_questions quota.</summary>
    public long StandingQuestionsRefused => Interlocked.Read(ref _standingRefused);

    /// <summary>Media messages refused by a media_bytes_per_second quota.</summary>
    public long MediaMessagesRefused => Interlocked.Read(ref _mediaRefused);
    /// <summary>Answers produced while detached that the stream's buffer could not keep.</summary>
    public long DetachedAnswersDropped => Interlocked.Read(ref _detachedAnswersDropped);

    public long Resumes => Interlocked.Read(ref _resumes);

    public long LastVideoPtsUs => Interlocked.Read(ref _lastVideoPtsUs);

    public long LastAudioPtsUs => Interlocked.Read(ref _lastAudioPtsUs);

    public long FirstPtsUs => Interlocked.Read(ref _firstPtsUs);

    /// <summary>Largest accepted pts minus smallest, over both tracks, µs; 0 before any media.</summary>
    public long MediaDurationUs
    {
        get
        {
            var first = FirstPtsUs;
            var last = Math.Max(LastVideoPtsUs, LastAudioPtsUs);
            return first < 0 || last < 0 ? 0 : last - first;
        }
    }

    /// <summary>Returns the request count after this one.</summary>
    public long AddRequest() => Interlocked.Increment(ref _requests);

    public void AddVideo(int bytes, MediaVerdict verdict, long ptsUs)
    {
        Interlocked.Add(ref _mediaBytes, bytes);
        if (verdict.IsAccepted)
        {
            Interlocked.Increment(ref _videoAccepted);
            Raise(ref _lastVideoPtsUs, ptsUs);
            Lower(ref _firstPtsUs, ptsUs);
        }
        else
        {
            Interlocked.Increment(ref _videoRejected);
            Interlocked.Increment(ref _rejections[(int)verdict.Code]);
        }
    }

    public void AddAudio(int bytes, MediaVerdict verdict, long ptsUs)
    {
        Interlocked.Add(ref _mediaBytes, bytes);
        if (verdict.IsAccepted)
        {
            Interlocked.Increment(ref _audioAccepted);
            Raise(ref _lastAudioPtsUs, ptsUs);
            Lower(ref _firstPtsUs, ptsUs);
        }
        else
        {
            Interlocked.Increment(ref _audioRejected);
            Interlocked.Increment(ref _rejections[(int)verdict.Code]);
        }
    }

    public void AddQuestion() => Interlocked.Increment(ref _questions);

    public void AddAnswer() => Interlocked.Increment(ref _answers);

    public void AddUnknownMessage() => Interlocked.Increment(ref _unknownMessages);

    public void AddSuppressedWarning() => Interlocked.Increment(ref _warningsSuppressed);

    public void AddDecodeError() => Interlocked.Increment(ref _decodeErrors);

    public void AddDroppedAnswer() => Interlocked.Increment(ref _answersDropped);

    public void AddDiscontinuity() => Interlocked.Increment(ref _discontinuities);

    public void AddAskRefused() => Interlocked.Increment(ref _asksRefused);

    public void AddStandingQuestionRefused() => Interlocked.Increment(ref _standingRefused);

    public void AddMediaRefused() => Interlocked.Increment(ref _mediaRefused);
    public void AddDetachedAnswerDropped() => Interlocked.Increment(ref _detachedAnswersDropped);

    public void AddResume() => Interlocked.Increment(ref _resumes);

    /// <summary>An answer counted as sent that its call never wrote (the call ended first); it goes back to the stream's buffer.</summary>
    public void ReturnAnswer() => Interlocked.Decrement(ref _answers);

    /// <summary>Rejections for one reason.</summary>
    public long Rejections(WarningCode code) => (int)code < _rejections.Length ? Interlocked.Read(ref _rejections[(int)code]) : 0;

    /// <summary>(reason, count) for every reason with a count above zero, ordered by reason.</summary>
    public IEnumerable<(WarningCode Code, long Count)> NonZeroRejections()
    {
        for (var i = 0; i < _rejections.Length; i++)
        {
            var count = Interlocked.Read(ref _rejections[i]);
            if (count > 0)
            {
                yield return ((WarningCode)i, count);
            }
        }
    }

    private static void Raise(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static void Lower(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (current < 0 || value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
