namespace FastAV.Live.Media.Tests;

/// <summary>Shares one <see cref="MediaClips"/> (and its temp dir) across the test classes that make clips.</summary>
[CollectionDefinition(Name)]
public sealed class MediaClipsCollection : ICollectionFixture<MediaClips>
{
    public const string Name = "media clips";
}
