namespace FastAV.Live.Media;

/// <summary>How fast <see cref="MediaSource"/> hands out packets.</summary>
public enum MediaPacing
{
    /// <summary>At the media's own rate: packet pts − first pts = wall-clock time since the first packet.</summary>
    RealTime,

    /// <summary>As fast as the source can be read.</summary>
    AsFastAsPossible,
}
