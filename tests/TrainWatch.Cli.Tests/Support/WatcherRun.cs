using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Support;

/// <summary>
/// A simulated training run as the TorchSharp watcher logs it, tags from <see cref="RunTags"/> and <see cref="LayerTags"/>: per sample step <c>train/loss</c>, <c>train/lr</c>,
/// <c>train/grad_norm</c>, and per parameter the <c>weight_/grad_{norm,nan_count,inf_count}/&lt;param&gt;</c> and <c>update_ratio/</c> scalars
/// and the <c>weights/</c>, <c>grads/</c> histograms, in parameter order. Each layer has a healthy gradient and weight
/// norm with multiplicative noise (seeded per run); a test multiplies them by its fault. NaN multiplies a tensor into
/// all-NaN: its histogram is not written (as the watcher does) and its NaN count is.
/// </summary>
public sealed class WatcherRun
{
    /// <summary>Elements per simulated tensor (the histograms' sample size).</summary>
    public const int Elements = 1000;

    /// <summary>Number of layers, named <c>layers.{i}.weight</c>.</summary>
    public int Layers { get; init; } = 8;

    /// <summary>Steps between samples.</summary>
    public long Interval { get; init; } = 20;

    /// <summary>The last step sampled.</summary>
    public long LastStep { get; init; } = 1000;

    /// <summary>Relative noise (lognormal σ) of the gradient norms and the loss; weight norms get a tenth of it.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>How the histograms are written.</summary>
    public HistogramForm Form { get; init; } = HistogramForm.Proto;

    /// <summary>Whether the per-parameter <c>grad_norm/</c>, <c>weight_norm/</c> scalars are written (else only histograms say the norm).</summary>
    public bool NormScalars { get; init; } = true;

    /// <summary>Multiplier of layer i's gradient norm at a step (1 = healthy; NaN = all-NaN tensor).</summary>
    public Func<int, long, double> Gradient { get; init; } = (_, _) => 1;

    /// <summary>Multiplier of layer i's weight norm at a step.</summary>
    public Func<int, long, double> Weight { get; init; } = (_, _) => 1;

    /// <summary>Multiplier of layer i's update ratio ‖Δw‖/‖w‖ at a step (0: its weights did not move).</summary>
    public Func<int, long, double> Update { get; init; } = (_, _) => 1;

    /// <summary>The learning rate at a step.</summary>
    public Func<long, double> LearningRate { get; init; } = _ => 0.01;

    /// <summary>The parameter name of layer i.</summary>
    public static string Name(int layer) => $"layers.{layer}.weight";

    /// <summary>Writes the run into <paramref name="directory"/>; <paramref name="seed"/> picks its noise.</summary>
    public void Write(string directory, int seed)
    {
        var random = new Random(seed);
        double Noisy(double value, double scale = 1) => value * Math.Exp(Noise * scale * Gaussian(random));
        using var events = new EventFileWriter(directory, new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        var described = new HashSet<string>();
        for (long step = 0; step <= LastStep; step += Interval)
        {
            var summary = new Summary();
            double sumSquares = 0, logFault = 0;
            var values = new List<Summary.Types.Value>();
            for (int i = 0; i < Layers; i++)
            {
                string name = Name(i);
                double weightNorm = Noisy(2.0 / Math.Sqrt(1 + i) * Weight(i, step), 0.1); // weights move slowly: a tenth of the gradients' noise
                double gradient = Gradient(i, step);
                double gradientNorm = Noisy(0.1 / (1 + i * 0.3) / (1 + step / 2000.0) * gradient);
                sumSquares += gradientNorm * gradientNorm;
                logFault += Math.Log(Math.Abs(gradient)) / Layers;
                AddTensor(values, described, LayerTags.WeightStatistic, LayerTags.WeightHistogram(name), name, weightNorm, seed, i, step);
                values.Add(ScalarSummary.ToValue(LayerTags.UpdateRatio(name), Noisy(1e-3 * LearningRate(step) / 0.01) * Update(i, step)));
                AddTensor(values, described, LayerTags.GradientStatistic, LayerTags.GradientHistogram(name), name, gradientNorm, seed, i + 1000, step);
            }

            double loss = Noisy((2 * Math.Exp(-step / 500.0) + 0.1) * Math.Exp(logFault));
            summary.Value.Add(ScalarSummary.ToValue(RunTags.Loss, loss));
            if (!double.IsNaN(sumSquares))
            {
                summary.Value.Add(ScalarSummary.ToValue(RunTags.GlobalGradientNorm, Math.Sqrt(sumSquares)));
            }

            summary.Value.Add(ScalarSummary.ToValue(RunTags.StepsPerSecond, 100));
            summary.Value.Add(ScalarSummary.ToValue(RunTags.LearningRate(""), LearningRate(step)));
            summary.Value.AddRange(values);
            events.Write(step, summary);
        }
    }

    private void AddTensor(List<Summary.Types.Value> values, HashSet<string> described, Func<string, string, string> statisticTag, string histogramTag, string name, double norm, int seed, int salt, long step)
    {
        bool nan = double.IsNaN(norm);
        if (NormScalars)
        {
            values.Add(ScalarSummary.ToValue(statisticTag(TensorStatistic.Norm, name), norm));
        }

        values.Add(ScalarSummary.ToValue(statisticTag(TensorStatistic.NaNCount, name), nan ? Elements : 0));
        values.Add(ScalarSummary.ToValue(statisticTag(TensorStatistic.InfCount, name), 0));
        if (nan)
        {
            return; // an all-NaN tensor has no finite values to bucket: the watcher writes no histogram
        }

        var sample = Histograms.Normal(unchecked(seed * 7919 + salt * 104_729 + (int)step), Elements, 0, norm / Math.Sqrt(Elements));
        values.Add(Form == HistogramForm.Proto
            ? HistogramSummary.ToValue(histogramTag, HistogramSummary.FromValues<float>(sample, out _)!)
            : TestRuns.TensorHistogram(histogramTag, Histograms.Bucket(sample, 30), Form, withMetadata: described.Add(histogramTag)));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
