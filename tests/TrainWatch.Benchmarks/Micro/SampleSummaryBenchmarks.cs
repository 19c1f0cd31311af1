using BenchmarkDotNet.Attributes;
using TrainWatch.Events;
using TrainWatch.Summaries;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// A watcher's summary of one sample step, as the training thread encodes and checks it: 360 scalars and 36 uniform
/// histograms under tags made once (a model of 36 tensors, ten statistics each), and, a step later, its 36 update
/// ratios, which alternate with it in the step-order check's list cache. Without the queue and the writer thread,
/// whose backlog a loop of back-to-back calls would measure instead.
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*SampleSummary*'</c>.
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public class SampleSummaryBenchmarks
{
    private static readonly string[] s_statistics = ["mean", "std", "min", "max", "norm", "zeros", "nonfinite", "update_ratio", "grad_norm", "dead"];
    private readonly SummaryEncoder _encoder = new();
    private readonly double[] _counts = Enumerable.Range(0, 64).Select(i => (double)(i * 7 % 13)).ToArray();
    private string[] _scalarTags = [];
    private string[] _histogramTags = [];
    private string[] _updateTags = [];
    private string[] _sampleTags = [];
    private readonly StepOrderMonitor _stepOrder = new(new WriterErrorReporter(logger: null, runDirectory: "run"));
    private long _step;

    [GlobalSetup]
    public void Setup()
    {
        _scalarTags = [.. Enumerable.Range(0, 36).SelectMany(layer => s_statistics.Select(statistic => $"weights/blocks.{layer}.weight/{statistic}"))];
        _histogramTags = [.. Enumerable.Range(0, 36).Select(layer => $"weights/blocks.{layer}.weight/histogram")];
        _updateTags = [.. Enumerable.Range(0, 36).Select(layer => $"updates/blocks.{layer}.weight/ratio")];
        _sampleTags = [.. _scalarTags, .. _histogramTags];
    }

    /// <summary>The sample's values into a reused encoder: tags, values, histograms, nothing queued.</summary>
    [Benchmark]
    public int Encode()
    {
        _encoder.Clear();
        AddSample(_encoder);
        return _encoder.Encoded.Length;
    }

    /// <summary>The step-order check of the sample's tags and, a step later, of its update ratios' tags.</summary>
    [Benchmark]
    public long StepOrderWithUpdates()
    {
        long step = _step += 4;
        _stepOrder.Observe(_sampleTags, step);
        _stepOrder.Observe(_updateTags, step + 1);
        return _stepOrder.OutOfOrder;
    }

    private void AddSample(SummaryEncoder values)
    {
        for (int i = 0; i < _scalarTags.Length; i++)
        {
            values.AddScalar(_scalarTags[i], i * 0.5);
        }

        foreach (string tag in _histogramTags)
        {
            values.AddUniformHistogram(tag, -1, 1, _counts, 0.5, 3);
        }
    }
}
