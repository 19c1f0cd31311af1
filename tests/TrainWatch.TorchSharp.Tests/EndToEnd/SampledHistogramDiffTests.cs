using System.Text.Json;
using TorchSharp;
using TrainWatch.Cli;
using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.Examples.FaultZoo.Zoo;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.EndToEnd;

/// <summary>
/// <c>trainwatch diff</c> reads histograms counted from a strided sample (<see cref="WatchOptions.HistogramSampleLimit"/>)
/// as it reads exact ones. The zoo's models are far below the default limit, so here the limit is lowered until every
/// 256 × 256 weight and gradient of an MLP is sampled (stride 5: 13,108 of 65,536 elements): the same healthy/faulty pair
/// gets the same verdict with sampled and with exact histograms, and a sampled run against the exact run of the same
/// training stays far below diff's threshold.
/// </summary>
public sealed class SampledHistogramDiffTests
{
    private const int Steps = 120;
    private const int Every = 5;
    private const int Onset = 80;
    private const int Features = 16;
    private const int Classes = 4;
    private const int Limit = 16_384;

    // A fault's constant kept alive (docs/reliability.md: a temporary Scalar can be freed mid-call by a collection).
    private static readonly Scalar s_blowUp = 100f;

    [Fact]
    public void Diff_gives_the_same_verdict_on_sampled_and_exact_histograms_and_sees_no_difference_from_sampling_alone()
    {
        string root = Path.Combine(Path.GetTempPath(), $"trainwatch-sampled-diff-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            string healthyExact = Train(root, "healthy-exact", fault: false, limit: 0);
            string faultyExact = Train(root, "faulty-exact", fault: true, limit: 0);
            string healthySampled = Train(root, "healthy-sampled", fault: false, limit: Limit);
            string faultySampled = Train(root, "faulty-sampled", fault: true, limit: Limit);

            // The fault is found, at its layer and step, from exact histograms (the positive control) …
            var (exactExit, exactOut, exactError) = Cli("diff", healthyExact, faultyExact, "--json");
            Assert.True(exactExit == ExitCodes.ProblemsFound, $"diff exited {exactExit}: {exactError}");
            var exact = DiffProbe.Read(exactOut, exactExit);
            Assert.True(Fault.SameLayer(exact.Layer, "fc2"), $"diff named {exact.Layer} ({exact.Kind})");
            Assert.InRange(exact.Onset!.Value, Onset - Every, Onset + Every);

            // … and the same verdict from sampled ones.
            var (sampledExit, sampledOut, _) = Cli("diff", healthySampled, faultySampled, "--json");
            Assert.Equal(exact, DiffProbe.Read(sampledOut, sampledExit));

            // The same training watched with sampled and with exact histograms: no finding, and every distance far below
            // the threshold (0.2); above zero, because the weights' histograms really were sampled.
            var (twinExit, twinOut, twinError) = Cli("diff", healthyExact, healthySampled, "--json");
            Assert.True(twinExit == ExitCodes.Ok, $"diff of the same training exited {twinExit}: {twinError}\n{twinOut}");
            var distances = MaxDistances(twinOut);
            Assert.True(distances.Count >= 8, string.Join(", ", distances.Keys));
            Assert.All(distances, d => Assert.True(d.Value < 0.05, $"{d.Key}: max d {d.Value}"));
            Assert.True(distances["weights/fc2.weight"] > 0, "the sampled run's weight histograms equal the exact ones: nothing was sampled");
            Assert.Equal(0, distances["weights/fc2.bias"]); // 256 elements: below the limit, counted exactly
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    // The same seeds for every run: runs differ only in the fault (from the onset) and in how histograms are counted.
    private static string Train(string root, string name, bool fault, int limit)
    {
        string directory = Path.Combine(root, name);
        manual_seed(77);
        using var model = Sequential(
            ("fc0", Linear(Features, 256)),
            ("act0", ReLU()),
            ("fc1", Linear(256, 256)),
            ("act1", ReLU()),
            ("fc2", Linear(256, 256)),
            ("act2", ReLU()),
            ("head", Linear(256, Classes)));
        InitializeFrom(new Generator(77), model);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var fc2 = model.named_parameters().Single(p => p.name == "fc2.weight").parameter;
        var generator = new Generator(5);
        var options = new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null, Graph = false, HistogramSampleLimit = limit };
        using var watch = TrainWatcher.Attach(model, optimizer, directory, Every, options);
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = SyntheticData.Clusters(32, Features, Classes, generator);
            optimizer.zero_grad();
            var loss = functional.cross_entropy(model.call(x), y);
            loss.backward();
            if (fault && step >= Onset)
            {
                fc2.grad!.mul_(s_blowUp);
            }

            watch.Step(loss);
            optimizer.step();
        }

        return directory;
    }

    // Every weight and bias uniform in ±1/√fan-in (as Linear's own initialisation), drawn from the test's generator, not
    // the global one: test classes run in parallel, and one that drew from or reseeded the global generator between this
    // test's runs gave the healthy and the faulty run different weights from the start (a clean-clone CI run found the
    // exact runs' onset at step 75, five steps before the fault, and the sampled runs' at 80).
    private static void InitializeFrom(Generator generator, Module model)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        double bound = 1;
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                bound = 1 / Math.Sqrt(parameter.shape[1]); // the bias after it shares its layer's fan-in
            }

            parameter.copy_(rand(parameter.shape, generator: generator).mul_(2 * bound).sub_(bound));
        }
    }

    // Each histogram tag's largest distance over the common steps, from diff's --json.
    private static Dictionary<string, double> MaxDistances(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("tag").GetString()!, t => t.GetProperty("max_distance").GetDouble());
    }

    private static (int ExitCode, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = CliApp.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
