using TrainWatch.Events;

namespace TrainWatch.Cli.Reading;

/// <summary>One histogram handed back by <see cref="HistogramReplay"/>.</summary>
/// <param name="Slot">Which of the requested tags it belongs to.</param>
/// <param name="Index">Which of that tag's requested positions it is (they come in ascending order).</param>
/// <param name="Histogram">The decoded histogram.</param>
internal readonly record struct ReplayedHistogram(int Slot, int Index, BucketHistogram Histogram);

/// <summary>
/// Reads a run a second time and decodes only the histogram values asked for, named by their position among their
/// tag's values (every value of the tag in file order, decodable or not, as <see cref="RunAccumulator"/> counted them on
/// the first reading). Why a second reading: diff needs both runs' buckets at the same step to measure a distance, and
/// keeping every bucket of every step of both runs until then was what made its memory grow with the run. Values a
/// still-running writer appended since the first reading lie past every requested position and are ignored.
/// </summary>
internal static class HistogramReplay
{
    /// <summary>
    /// The requested histograms of <paramref name="run"/>, in file order. <paramref name="positions"/>[slot] holds the
    /// ascending positions wanted for tag <paramref name="tags"/>[slot]. Stops reading once every one was found.
    /// </summary>
    public static IEnumerable<ReplayedHistogram> Read(EventRun run, IReadOnlyList<string> tags, IReadOnlyList<int[]> positions, CancellationToken cancellation)
    {
        var slots = new Dictionary<string, int>(tags.Count, StringComparer.Ordinal);
        for (int i = 0; i < tags.Count; i++)
        {
            slots[tags[i]] = i;
        }

        var seen = new int[tags.Count];
        var next = new int[tags.Count];
        int remaining = positions.Sum(p => p.Length);
        if (remaining == 0)
        {
            yield break;
        }

        // The same classification as the first reading: a tensor's plugin is named only on its tag's first value.
        var classifier = new SummaryValueClassifier();
        foreach (string file in run.Files)
        {
            using var reader = new EventFileReader(file);
            foreach (var record in reader.ReadEvents())
            {
                cancellation.ThrowIfCancellationRequested();
                if (record.Event.Summary is not { } summary)
                {
                    continue;
                }

                foreach (var value in summary.Value)
                {
                    if (classifier.Classify(value) != ValueKind.Histogram || !slots.TryGetValue(value.Tag, out int slot))
                    {
                        continue;
                    }

                    int position = seen[slot]++;
                    var wanted = positions[slot];
                    if (next[slot] < wanted.Length && wanted[next[slot]] == position)
                    {
                        // Decoded into its own array: it may wait a while for the other run's histogram of the same step.
                        if (RunAccumulator.Decode(value, arena: null) is { } histogram)
                        {
                            yield return new ReplayedHistogram(slot, next[slot], histogram);
                        }

                        next[slot]++;
                        if (--remaining == 0)
                        {
                            yield break;
                        }
                    }
                }
            }
        }
    }
}
