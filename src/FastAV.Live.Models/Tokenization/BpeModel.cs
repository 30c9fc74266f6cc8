using System.Collections.Concurrent;

namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// Byte-level BPE: a piece's UTF-8 bytes start as single-byte symbols and the adjacent pair with the lowest merge
/// rank is merged (leftmost first on ties) until no pair has a rank. Results are cached per piece.
/// </summary>
internal sealed class BpeModel
{
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly int[] _byteIds;
    private readonly Dictionary<string, int>? _wholePieces;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly int _maxCacheEntries;
    private readonly int _maxCachedPieceLength;

    /// <param name="byteIds">The id of each byte's single-character token (256 entries).</param>
    /// <param name="merges">(left id, right id) packed as left &lt;&lt; 32 | right → (rank, merged id).</param>
    /// <param name="wholePieces">With ignore_merges: a piece found in the vocabulary is one token.</param>
    public BpeModel(int[] byteIds, Dictionary<long, (int Rank, int Merged)> merges, Dictionary<string, int>? wholePieces,
        int maxCacheEntries, int maxCachedPieceLength)
    {
        _byteIds = byteIds;
        _merges = merges;
        _wholePieces = wholePieces;
        _maxCacheEntries = maxCacheEntries;
        _maxCachedPieceLength = maxCachedPieceLength;
    }

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Appends the ids of one pre-tokenized piece given as UTF-8 bytes.</summary>
    public void Encode(ReadOnlySpan<byte> utf8, string? cacheKey, List<int> output)
    {
        if (utf8.Length == 0)
        {
            return;
        }

        if (cacheKey is not null && _cache.TryGetValue(cacheKey, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        if (_wholePieces is not null && _wholePieces.TryGetValue(ByteLevelAlphabet.Encode(utf8), out var whole))
        {
            output.Add(whole);
            return;
        }

        var ids = Merge(utf8);
        if (cacheKey is not null && cacheKey.Length <= _maxCachedPieceLength)
        {
            if (_cache.Count >= _maxCacheEntries)
            {
                _cache.Clear();
            }

            _cache.TryAdd(cacheKey, ids);
        }

        output.AddRange(ids);
    }

    private int[] Merge(ReadOnlySpan<byte> utf8)
    {
        var n = utf8.Length;
        var ids = new int[n];
        var next = new int[n];
        var prev = new int[n];
        var alive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = _byteIds[utf8[i]];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            alive[i] = true;
        }

        // Entries are (left position, right position) by (rank, left position): lowest rank, then leftmost.
        var queue = new PriorityQueue<(int Left, int Right), (int Rank, int Left)>();
        for (var i = 0; i + 1 < n; i++)
        {
            Offer(queue, ids, i, i + 1);
        }

        var count = n;
        while (queue.TryDequeue(out var pair, out var priority))
        {
            var (left, right) = pair;
            if (!alive[left] || !alive[right] || next[left] != right
                || !_merges.TryGetValue(PairKey(ids[left], ids[right]), out var merge) || merge.Rank != priority.Rank)
            {
                continue; // stale: one side merged since this pair was queued
            }

            ids[left] = merge.Merged;
            alive[right] = false;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }

            count--;
            if (prev[left] >= 0)
            {
                Offer(queue, ids, prev[left], left);
            }

            if (next[left] >= 0)
            {
                Offer(queue, ids, left, next[left]);
            }
        }

        var result = new int[count];
        var k = 0;
        for (var i = 0; i >= 0 && i < n; i = next[i])
        {
            result[k++] = ids[i];
        }

        return result;
    }

    private void Offer(PriorityQueue<(int, int), (int, int)> queue, int[] ids, int left, int right)
    {
        if (_merges.TryGetValue(PairKey(ids[left], ids[right]), out var merge))
        {
            queue.Enqueue((left, right), (merge.Rank, left));
        }
    }
}
