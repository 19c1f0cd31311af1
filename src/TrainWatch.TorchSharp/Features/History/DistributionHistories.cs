using System.Runtime.CompilerServices;
using TrainWatch.Distributions;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Features.History;

/// <summary>
/// The bucket histories of every watched module output and gradient, and their pictures. Fed and drawn by the builders
/// the watcher hands its writer, which run on the training thread (docs/reliability.md, issue 24); a lock makes every
/// call safe from any thread all the same, so correctness does not rest on where the writer builds.
/// </summary>
internal sealed class DistributionHistories
{
    private readonly HistoryOptions _options;
    // Keyed by layer name, one map per kind, so that a sample step makes no tag strings; the tag is made once.
    private readonly Dictionary<string, (string Tag, BucketHistory History, SymLogBuckets Buckets)> _activations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Tag, BucketHistory History, SymLogBuckets Buckets)> _gradients = new(StringComparer.Ordinal);
    private readonly List<(string Tag, BucketHistory History, SymLogBuckets Buckets)> _order = []; // in the order first seen: the pictures are written in a stable order
    private readonly object _lock = new();
    private double[] _rebinned = []; // under the lock
    private byte[]? _pixels; // under the lock

    public DistributionHistories(HistoryOptions options)
    {
        _options = options;
    }

    /// <summary>Adds one sample step's histograms, rebinned onto the fixed buckets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(SampleData sample)
    {
        lock (_lock)
        {
            if (_options.Activations)
            {
                foreach (var activation in sample.Activations)
                {
                    Add(_activations, activation.Name, LayerTags.ActivationHistory, _options.ActivationBuckets, sample.Step, activation.Output);
                }
            }

            if (_options.Gradients)
            {
                foreach (var parameter in sample.Parameters)
                {
                    if (parameter.Gradient is { } gradient)
                    {
                        Add(_gradients, parameter.Name, LayerTags.GradientHistory, _options.GradientBuckets, sample.Step, gradient);
                    }
                }
            }
        }
    }

    /// <summary>A picture per history, drawn now; null when there is none.</summary>
    public Summary? Draw()
    {
        lock (_lock)
        {
            if (_order.Count == 0)
            {
                return null;
            }

            var summary = new Summary();
            foreach (var (tag, history, buckets) in _order)
            {
                // One pixel buffer for every picture, each encoded before the next is drawn: a model of a few hundred
                // layers otherwise made as many large-object arrays, and full collections, at every draw.
                var image = HistoryImage.Render(history, buckets.AxisLabels(), _pixels);
                _pixels = image.PixelArray;
                summary.Value.Add(ImageSummary.FromPng(tag, image.EncodePng()));
            }

            return summary;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(Dictionary<string, (string Tag, BucketHistory History, SymLogBuckets Buckets)> histories, string name, Func<string, string> tagOf, SymLogBuckets buckets, long step, TensorStats stats)
    {
        if (!histories.TryGetValue(name, out var entry))
        {
            entry = (tagOf(name), new BucketHistory(buckets.Count, _options.MaxColumns), buckets);
            histories.Add(name, entry);
            _order.Add(entry);
        }

        // A tensor with no finite value has no histogram: all it contributes is its non-finite count. The rebinned
        // counts go through one buffer (the history copies or adds them): a layer per sample step each made an array.
        if (_rebinned.Length < buckets.Count)
        {
            _rebinned = new double[buckets.Count];
        }

        var counts = _rebinned.AsSpan(0, buckets.Count);
        if (stats.Finite > 0)
        {
            buckets.Rebin(stats.Min, stats.Max, stats.Counts, counts);
        }
        else
        {
            counts.Clear();
        }

        entry.History.Add(step, counts, stats.SampleCount - stats.Finite);
    }
}
