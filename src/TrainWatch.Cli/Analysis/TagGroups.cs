using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Groups a run's tags by statistic for <c>inspect</c>'s compact view. The watcher names per-layer tags statistic first,
/// layer second (<c>grad_norm/fc1.weight</c>, <c>grads/fc1.weight</c>), so a layer is a tag remainder that occurs under
/// two statistics or more, and a statistic whose remainders are all layers collapses to one row. Tags such as
/// <c>train/loss</c> or <c>alerts/nan</c> have remainders of their own and keep their row.
/// </summary>
internal static class TagGroups
{
    /// <summary>
/// The groups of <paramref name="tags"/>, by kind then name; <paramref name="layers"/> gets what the collapsed
/// (<c>statistic/*</c>) rows stand for, in first-seen order.
/// </summary>
    public static IReadOnlyList<TagGroup> Group(IEnumerable<TagInfo> tags, out IReadOnlyList<string> layers)
    {
        var all = tags.OrderBy(t => t.Ordinal).ThenBy(t => t.Tag, StringComparer.Ordinal).ToList();
        var prefixesPerRest = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tag in all)
        {
            if (Split(tag.Tag) is var (prefix, rest))
            {
                if (!prefixesPerRest.TryGetValue(rest, out var prefixes))
                {
                    prefixesPerRest[rest] = prefixes = new HashSet<string>(StringComparer.Ordinal);
                }

                prefixes.Add(prefix);
            }
        }

        bool IsLayer(string rest) => prefixesPerRest.TryGetValue(rest, out var prefixes) && prefixes.Count > 1;
        var groups = new List<TagGroup>();
        foreach (var byPrefix in all.GroupBy(t => Split(t.Tag)?.Prefix))
        {
            var members = byPrefix.ToList();
            if (byPrefix.Key is { } prefix && members.Count > 1 && members.All(t => IsLayer(Split(t.Tag)!.Value.Remainder)))
            {
                groups.Add(new TagGroup(prefix + "/*", members[0].Kind, members.OrderBy(t => t.Tag, StringComparer.Ordinal).ToList()));
            }
            else
            {
                groups.AddRange(members.Select(t => new TagGroup(t.Tag, t.Kind, [t])));
            }
        }

        // Only what a '*' row stands for: "loss" under train/ and eval/ is no layer of a collapsed row.
        var collapsed = groups.Where(g => g.Name.EndsWith("/*", StringComparison.Ordinal)).SelectMany(g => g.Tags).Select(t => t.Tag).ToHashSet(StringComparer.Ordinal);
        layers = all.Where(t => collapsed.Contains(t.Tag)).Select(t => Split(t.Tag)!.Value.Remainder).Distinct(StringComparer.Ordinal).ToList();
        return groups.OrderBy(g => g.Kind).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
    }

    private static (string Prefix, string Remainder)? Split(string tag)
    {
        int slash = tag.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < tag.Length - 1 ? (tag[..slash], tag[(slash + 1)..]) : null;
    }
}
