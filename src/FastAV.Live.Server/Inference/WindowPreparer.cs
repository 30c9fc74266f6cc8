using FastAV.Live.Media;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// A decoded media window → the model's inputs, on the stream's own thread (the engine thread only runs tensors).
/// A window always gets the model's frame count: missing frames repeat the last one (black before any), extra
/// ones are dropped, and a frame whose size differs from the window's first is replaced by its predecessor.
/// </summary>
public sealed class WindowPreparer(WindowFeaturizer featurizer, int imageSize)
{
    public WindowInput Prepare(MediaWindow window, long readyTimestamp)
    {
        ArgumentNullException.ThrowIfNull(window);
        var wanted = featurizer.FramesPerWindow;
        var frames = new List<byte[]>(wanted);
        int width = imageSize, height = imageSize;
        if (window.Frames.Count > 0)
        {
            width = window.Frames[0].Frame.Width;
            height = window.Frames[0].Frame.Height;
        }

        byte[]? last = null;
        foreach (var sampled in window.Frames)
        {
            if (frames.Count == wanted) break;
            var f = sampled.Frame;
            last = f.Width == width && f.Height == height ? f.Rgb : last ?? new byte[width * height * 3];
            frames.Add(last);
        }

        var present = frames.Count;
        last ??= new byte[width * height * 3];
        while (frames.Count < wanted) frames.Add(last);
        return new WindowInput(window.StartPtsMicroseconds, MediaEnd(window), featurizer.Pixels(frames, width, height), featurizer.Mel(window.Audio), present, window.MissingAudioSampleCount)
        {
            ReadyTimestamp = readyTimestamp,
        };
    }

    // A partial window (the stream's last) ends where its media ends, not at the window boundary: the later of the
    // audio received (from the window's start) and the last sampled frame's tick.
    private static long MediaEnd(MediaWindow window)
    {
        if (!window.IsPartial) return window.EndPtsMicroseconds;
        var span = window.EndPtsMicroseconds - window.StartPtsMicroseconds;
        var audioEnd = window.Audio.Length == 0 ? window.StartPtsMicroseconds
            : window.StartPtsMicroseconds + (span * (window.Audio.Length - window.MissingAudioSampleCount) / window.Audio.Length);
        var frameEnd = window.Frames.Count == 0 ? window.StartPtsMicroseconds : window.Frames[^1].TickPtsMicroseconds;
        return Math.Clamp(Math.Max(audioEnd, frameEnd), window.StartPtsMicroseconds, window.EndPtsMicroseconds);
    }
}
