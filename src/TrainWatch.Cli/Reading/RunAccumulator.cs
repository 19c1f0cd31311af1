using TrainWatch.Protos;

namespace TrainWatch.Cli.Reading;

/// <summary>
/// Folds a run's events, in order, into a <see cref="RunData"/>: classifies every value (remembering plugins per tag),
/// counts tags, and decodes only the kinds and tags the command asked for. With a <paramref name="sink"/>, scalars and
/// histograms go to it as they are read and are not kept.
/// </summary>
internal sealed class RunAccumulator(RunData data, ReadOptions options, IValueSink? sink = null)
{
    private readonly SummaryValueClassifier _classifier = new();
    private readonly Dictionary<string, bool> _tagSelected = new(StringComparer.Ordinal);

    // Tail keeps only the latest histogram per tag: an arena would keep every one ever read alive.
    private readonly HistogramArena? _arena = options.LatestOnly ? null : new HistogramArena();

    // Summaries and sinks keep no histogram: each is decoded into the same space, rewound before the next.
    private readonly HistogramArena _scratch = new();

    /// <summary>What has been gathered so far.</summary>
    public RunData Data { get; } = data;

    /// <summary>Adds one event's summary values.</summary>
    public void Add(Event evt)
    {
        if (evt.Summary is null)
        {
            return;
        }

        foreach (var value in evt.Summary.Value)
        {
            var kind = _classifier.Classify(value);
            var tag = GetTagInfo(value.Tag, kind);
            tag.Add(evt.Step);
            if (IsSelected(value.Tag, kind))
            {
                Keep(tag, kind, value, evt.Step, evt.WallTime);
            }
        }
    }

    private TagInfo GetTagInfo(string tag, ValueKind kind)
    {
        if (!Data.Tags.TryGetValue(tag, out var info))
        {
            info = new TagInfo(tag, kind, _classifier.PluginOf(tag), Data.Tags.Count);
            Data.Tags[tag] = info;
        }
        else if (info.Plugin.Length == 0)
        {
            info.Plugin = _classifier.PluginOf(tag);
        }

        return info;
    }

    private bool IsSelected(string tag, ValueKind kind)
    {
        if (!_tagSelected.TryGetValue(tag, out bool selected))
        {
            // Cached per tag: a tag keeps its kind (its plugin is remembered from its first value).
            selected = (kind switch
            {
                ValueKind.Scalar when options.ScalarTags is { } scalarTags => scalarTags,
                ValueKind.Text when options.TextTags is { } textTags => textTags,
                _ => options.Tags,
            }).Matches(tag);
            _tagSelected[tag] = selected;
        }

        return selected;
    }

    private void Keep(TagInfo tag, ValueKind kind, Summary.Types.Value value, long step, double wallTime)
    {
        switch (kind)
        {
            case ValueKind.Scalar when options.KeepScalars:
                if (ScalarOf(value) is { } scalar)
                {
                    var point = new ScalarPoint(step, wallTime, scalar);
                    if (sink is not null)
                    {
                        sink.Scalar(value.Tag, point);
                    }
                    else
                    {
                        Append(Data.Scalars, value.Tag, point, options.RecentScalars);
                    }
                }
                else
                {
                    tag.Undecodable++;
                }

                break;
            case ValueKind.Histogram when options.SummarizeHistograms:
                Summarize(tag, value, step);
                break;
            case ValueKind.Histogram when options.KeepHistograms && sink is not null:
                // The sink is done with it when it returns: every histogram of the run can share one chunk.
                _scratch.Rewind();
                if (Decode(value, _scratch) is { } streamed)
                {
                    sink.Histogram(value.Tag, new HistogramPoint(step, wallTime, streamed));
                }
                else
                {
                    tag.Undecodable++;
                }

                break;
            case ValueKind.Histogram when options.KeepHistograms:
                if (Decode(value, _arena) is { } decoded)
                {
                    Append(Data.Histograms, value.Tag, new HistogramPoint(step, wallTime, decoded), latestKept: 1);
                }
                else
                {
                    tag.Undecodable++;
                }

                break;
            case ValueKind.Text when options.KeepTexts:
                if (value.Tensor is not null && TensorValues.FirstString(value.Tensor) is { } text)
                {
                    // With LatestOnly, every text of the tags that ask for it (tail shows every new alert, not just the
                    // last) and the latest of the others: a run that logs a text each step must not grow tail's memory.
                    var point = new TextPoint(step, wallTime, text);
                    if (options.LatestOnly && options.EveryText?.Matches(value.Tag) != true)
                    {
                        Append(Data.Texts, value.Tag, point, latestKept: 1);
                    }
                    else
                    {
                        GetList(Data.Texts, value.Tag).Add(point);
                    }
                }

                break;
        }
    }

    private void Summarize(TagInfo tag, Summary.Types.Value value, long step)
    {
        _scratch.Rewind();
        if (Decode(value, _scratch) is { } decoded)
        {
            // Listed only once decoded, as kept histograms are: a tag with nothing decodable is no histogram tag to compare.
            GetList(Data.HistogramStats, value.Tag).Add(HistogramStats.Of(step, decoded));
            return;
        }

        tag.Undecodable++;
        if (!Data.UndecodableHistograms.TryGetValue(value.Tag, out var positions))
        {
            positions = [];
            Data.UndecodableHistograms[value.Tag] = positions;
        }

        // Its position among all of the tag's values so far: the decoded ones plus the undecodable ones before it.
        int decodedSoFar = Data.HistogramStats.TryGetValue(value.Tag, out var stats) ? stats.Count : 0;
        positions.Add(decodedSoFar + positions.Count);
    }

    /// <summary>Decodes a histogram value in either form; null when it is empty or malformed.</summary>
    public static BucketHistogram? Decode(Summary.Types.Value value, HistogramArena? arena) =>
        value.ValueCase == Summary.Types.Value.ValueOneofCase.Histo
            ? HistogramDecoder.FromProto(value.Histo, arena)
            : HistogramDecoder.FromTensor(value.Tensor, arena);

    private void Append<T>(Dictionary<string, List<T>> series, string tag, T point, int latestKept)
    {
        var list = GetList(series, tag);
        if (options.LatestOnly && list.Count >= Math.Max(1, latestKept))
        {
            // A short list (tail keeps a few dozen points): shifting it costs less than a ring buffer's bookkeeping.
            list.RemoveRange(0, list.Count - Math.Max(1, latestKept) + 1);
        }

        list.Add(point);
    }

    private static TList GetList<TList>(Dictionary<string, TList> series, string tag)
        where TList : new()
    {
        if (!series.TryGetValue(tag, out var list))
        {
            list = new TList();
            series[tag] = list;
        }

        return list;
    }

    private static double? ScalarOf(Summary.Types.Value value)
    {
        if (value.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
        {
            return value.SimpleValue;
        }

        if (value.Tensor is { } tensor && TensorValues.ToDoubles(tensor) is { Length: 1 } single)
        {
            return single[0];
        }

        return null;
    }
}
