using TorchSharp;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Reporting;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>What the watcher writes equals statistics computed independently, in managed code, from the same tensors.</summary>
public sealed class StatisticsAccuracyTests
{
    private const int Bins = 16;

    [Fact]
    public void Weight_gradient_and_activation_statistics_match_a_managed_reference()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        manual_seed(42);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var (x, y) = SmallCnn.Batch(16, new Generator(7));

        var reference = new Dictionary<string, float[]>();
        float lossValue;
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { HistogramBins = Bins, ActivationSampleLimit = 4, AlertsToConsole = false }))
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            watch.Step(loss);
            lossValue = loss.item<float>();

            foreach (var (name, p) in model.named_parameters())
            {
                reference[$"w:{name}"] = p.detach().cpu().data<float>().ToArray();
                reference[$"g:{name}"] = p.grad!.cpu().data<float>().ToArray();
            }

            using (no_grad())
            {
                // Same input, same weights, train-mode batch norm: the same activations the hooks saw.
                var afterRelu = model.Features[2].call(model.Features[1].call(model.Features[0].call(x)));
                reference["a:features.2"] = afterRelu.cpu().data<float>().ToArray();
                reference["a4:features.2"] = afterRelu.narrow(0, 0, 4).cpu().data<float>().ToArray();
                reference["dead:features.2"] = [afterRelu.transpose(0, 1).reshape(4, -1).ne(0).any(1).logical_not().sum().item<long>()];
            }
        }

        var values = RunReader.Values(dir.Path);
        Assert.Equal(lossValue, RunReader.Scalar(values, RunTags.Loss, 0), 5);

        foreach (var (name, _) in model.named_parameters())
        {
            AssertMatches(values, reference[$"w:{name}"], s => LayerTags.WeightStatistic(s, name), LayerTags.WeightHistogram(name));
            AssertMatches(values, reference[$"g:{name}"], s => LayerTags.GradientStatistic(s, name), LayerTags.GradientHistogram(name));
        }

        // The distribution and zero fraction come from the first 4 samples of the batch (ActivationSampleLimit); dead
        // filters from all 16.
        var act = reference["a:features.2"];
        var firstFour = reference["a4:features.2"];
        Assert.Equal(firstFour.Average(v => (double)v), RunReader.Scalar(values, LayerTags.ActivationStatistic("mean", "features.2"), 0), 4);
        Assert.NotEqual(act.Average(v => (double)v), firstFour.Average(v => (double)v), 6);
        Assert.Equal(firstFour.Count(v => v == 0) / (double)firstFour.Length, RunReader.Scalar(values, LayerTags.ActivationStatistic("zero_fraction", "features.2"), 0), 5);
        Assert.Equal(reference["dead:features.2"][0], RunReader.Scalar(values, LayerTags.ActivationStatistic("dead_units", "features.2"), 0));
        AssertHistogramCounts(RunReader.Histogram(values, LayerTags.ActivationHistogram("features.2"), 0), firstFour);

        double globalNorm = Math.Sqrt(model.named_parameters().Sum(p => reference[$"g:{p.name}"].Sum(v => (double)v * v)));
        Assert.Equal(globalNorm, RunReader.Scalar(values, RunTags.GlobalGradientNorm, 0), 4);
        Assert.Equal(0.1f, RunReader.Scalar(values, RunTags.LearningRate(""), 0), 6);
    }

    [Fact]
    public void Update_ratio_is_the_norm_of_one_optimizer_step_over_the_weight_norm()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.5);
        var generator = new Generator(5);
        var before = new Dictionary<string, float[]>();
        var after = new Dictionary<string, float[]>();

        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 4, new WatchOptions { AlertsToConsole = false }))
        {
            for (int step = 0; step < 6; step++)
            {
                var (x, y) = SmallCnn.Batch(8, generator);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                loss.backward();
                watch.Step(loss);
                if (step == 4)
                {
                    foreach (var (name, p) in model.named_parameters())
                    {
                        before[name] = p.detach().data<float>().ToArray();
                    }
                }

                optimizer.step();
                if (step == 4)
                {
                    foreach (var (name, p) in model.named_parameters())
                    {
                        after[name] = p.detach().data<float>().ToArray();
                    }
                }
            }
        }

        var values = RunReader.Values(dir.Path);
        foreach (var name in before.Keys)
        {
            double delta = Math.Sqrt(before[name].Zip(after[name]).Sum(p => Math.Pow(p.Second - (double)p.First, 2)));
            double norm = Math.Sqrt(before[name].Sum(v => (double)v * v));
            Assert.Equal(delta / norm, RunReader.Scalar(values, LayerTags.UpdateRatio(name), 4), 4);
        }
    }

    private static void AssertMatches(IReadOnlyList<(long Step, Protos.Summary.Types.Value Value)> values, float[] data, Func<string, string> tag, string histogramTag)
    {
        double mean = data.Average(v => (double)v);
        double std = Math.Sqrt(data.Sum(v => Math.Pow(v - mean, 2)) / (data.Length - 1));
        double norm = Math.Sqrt(data.Sum(v => (double)v * v));
        float Written(string statistic) => RunReader.Scalar(values, tag(statistic), 0);

        Assert.Equal((float)mean, Written("mean"), 5);
        Assert.Equal(std, Written("std"), 4);
        Assert.Equal(norm, Written("norm"), 4);
        Assert.Equal(data.Min(), Written("min"));
        Assert.Equal(data.Max(), Written("max"));
        Assert.Equal(data.Count(v => v == 0) / (double)data.Length, Written("zero_fraction"), 6);
        Assert.Equal(0f, Written("nan_count"));
        Assert.Equal(0f, Written("inf_count"));
        AssertHistogramCounts(RunReader.Histogram(values, histogramTag, 0), data);
    }

    // The device buckets values into Bins uniform buckets over [min, max] with float32 arithmetic; redo it here.
    private static void AssertHistogramCounts(Protos.HistogramProto histogram, float[] data)
    {
        Assert.Equal(data.Length, histogram.Num);
        Assert.Equal(histogram.Num, histogram.Bucket.Sum());
        Assert.Equal(data.Min(), histogram.Min, 6);
        Assert.Equal(data.Max(), histogram.Max, 6);
        Assert.Equal(data.Sum(v => (double)v), histogram.Sum, 3);

        float lo = data.Min(), hi = data.Max();
        if (!(hi > lo))
        {
            Assert.Equal([data.Length], histogram.Bucket.ToArray());
            return;
        }

        float scale = (float)(Bins / ((double)hi - lo));
        var counts = new double[Bins];
        foreach (float v in data)
        {
            counts[(int)Math.Clamp(MathF.Floor((v - lo) * scale), 0, Bins - 1)]++;
        }

        double width = ((double)hi - lo) / Bins;
        int first = Array.FindIndex(counts, c => c != 0);
        int last = Array.FindLastIndex(counts, c => c != 0);
        Assert.Equal(counts[first..(last + 1)], histogram.Bucket.ToArray());
        Assert.Equal(lo + width * (first + 1), histogram.BucketLimit[0], 5);
    }
}
