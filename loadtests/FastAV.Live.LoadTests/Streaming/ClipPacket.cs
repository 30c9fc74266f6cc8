using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>One packet of a clip as it will be sent (pts from 0 in the clip), and the media time it covers up to.</summary>
internal sealed record ClipPacket(Contract.StreamRequest Request, bool IsVideo, long PtsUs, long EndUs, int PayloadBytes);
