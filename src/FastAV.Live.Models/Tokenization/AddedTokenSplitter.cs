namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// Cuts text at added tokens: scanning left to right, the longest added token starting at each position wins
/// (what Hugging Face tokenizers and the reference JavaScript implementation do).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Node _root = new();

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        foreach (var token in tokens)
        {
            if (token.Content.Length == 0)
            {
                continue;
            }

            var node = _root;
            foreach (var c in token.Content)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children[c] = child;
                }

                node = child;
            }

            node.Token = token;
        }
    }

    public bool IsEmpty => _root.Children is null;

    /// <summary>Sections of <paramref name="text"/>: plain text (Token null) and added tokens, in order.</summary>
    public List<(int Start, int Length, AddedToken? Token)> Split(string text)
    {
        var sections = new List<(int, int, AddedToken?)>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var match = LongestAt(text, i);
            if (match is null)
            {
                i++;
                continue;
            }

            if (i > start)
            {
                sections.Add((start, i - start, null));
            }

            sections.Add((i, match.Content.Length, match));
            i += match.Content.Length;
            start = i;
        }

        if (start < text.Length)
        {
            sections.Add((start, text.Length - start, null));
        }

        return sections;
    }

    private AddedToken? LongestAt(string text, int i)
    {
        AddedToken? best = null;
        var node = _root;
        for (var j = i; j < text.Length; j++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[j], out var next))
            {
                break;
            }

            node = next;
            best = node.Token ?? best;
        }

        return best;
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public AddedToken? Token { get; set; }
    }
}
