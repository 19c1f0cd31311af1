using TrainWatch.Distributions;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Features.History;

/// <summary>
/// The bucket histories of every watched module output and gradient, and their pictures. Fed and drawn on the
/// writer's thread; a lock makes every call safe from any thread all the same, so correctness does not rest on how the
/// writer schedules its work.
/// </summary>
internal sealed class DistributionHistories
{
    private readonly HistoryOptions _options;
    private readonly Dictionary<string, (BucketHistory History, SymLogBuckets Buckets)> _histories = new(StringComparer.Ordinal);
    private readonly List<string> _order = []; // tags in the order first seen: the pictures are written in a stable order
    private readonly object _lock = new();

    public DistributionHistories(HistoryOptions options)
    {
        _options = options;
    }

    /// <summary>Adds one sample step's histograms, rebinned onto the fixed buckets.</summary>
    public void Record(SampleData sample)
    {
        lock (_lock)
        {
            if (_options.Activations)
            {
                foreach (var activation in sample.Activations)
                {
                    Add(LayerTags.ActivationHistory(activation.Name), _options.ActivationBuckets, sample.Step, activation.Output);
                }
            }

            if (_options.Gradients)
            {
                foreach (var parameter in sample.Parameters)
                {
                    if (parameter.Gradient is { } gradient)
                    {
                        Add(LayerTags.GradientHistory(parameter.Name), _options.GradientBuckets, sample.Step, gradient);
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
            foreach (string tag in _order)
            {
                var (history, buckets) = _histories[tag];
                var image = HistoryImage.Render(history, buckets.AxisLabels());
                summary.Value.Add(ImageSummary.FromPng(tag, image.EncodePng()));
            }

            return summary;
        }
    }

    private void Add(string tag, SymLogBuckets buckets, long step, TensorStats stats)
    {
        if (!_histories.TryGetValue(tag, out var entry))
        {
            entry = (new BucketHistory(buckets.Count, _options.MaxColumns), buckets);
            _histories.Add(tag, entry);
            _order.Add(tag);
        }

        // A tensor with no finite value has no histogram: all it contributes is its non-finite count.
        double[] counts = stats.Finite > 0 ? buckets.Rebin(stats.Min, stats.Max, stats.Counts) : new double[buckets.Count];
        entry.History.Add(step, counts, stats.SampleCount - stats.Finite);
    }
}
