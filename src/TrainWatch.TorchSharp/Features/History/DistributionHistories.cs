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
    private readonly Stack<byte[]> _pixels = new(); // the pixel buffers Draw's workers reuse (locked on itself)
    private double[] _rebinned = []; // under the lock

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
    /// <remarks>
    /// The pictures are drawn and encoded side by side on the cores (a model of 48 blocks has 340), each worker with
    /// its own pixel buffer, and added in the histories' order. This runs where the watcher's writer builds: inside
    /// <c>Step</c> or <c>Dispose</c> on the training thread, which waits here for every picture, so no thread of
    /// TrainWatch's is still at work when the user's next TorchSharp call starts (docs/reliability.md).
    /// </remarks>
    public Summary? Draw()
    {
        lock (_lock)
        {
            if (_order.Count == 0)
            {
                return null;
            }

            var pngs = new byte[_order.Count][];
            Parallel.For(
                0,
                _order.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                TakePixels,
                (i, _, pixels) =>
                {
                    var (_, history, buckets) = _order[i];
                    var image = HistoryImage.Render(history, buckets.AxisLabels(), pixels);
                    pngs[i] = image.EncodePng();
                    return image.PixelArray;
                },
                KeepPixels);

            var summary = new Summary();
            for (int i = 0; i < pngs.Length; i++)
            {
                summary.Value.Add(ImageSummary.FromPng(_order[i].Tag, pngs[i]));
            }

            return summary;
        }
    }

    // One pixel buffer per worker, kept from draw to draw: a model of a few hundred layers otherwise made as many
    // large-object arrays, and full collections, at every draw. Draw's workers take and give back their own.
    private byte[]? TakePixels()
    {
        lock (_pixels)
        {
            return _pixels.Count > 0 ? _pixels.Pop() : null;
        }
    }

    private void KeepPixels(byte[]? pixels)
    {
        if (pixels is null)
        {
            return;
        }

        lock (_pixels)
        {
            _pixels.Push(pixels);
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
