using System.Text.RegularExpressions;
using TorchSharp;
using TrainWatch.Examples.ShapesCnn;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The companion of <see cref="ScalarLifetimeTests"/>: that one provokes the temporary-Scalar race, this one proves from
/// the IL that TrainWatch's device code (and the example's own arithmetic) gives the race nothing to hit.
/// </summary>
public sealed class TemporaryScalarAuditTests
{
    private static readonly Lazy<TemporaryScalarFinder> s_finder = new(() => new TemporaryScalarFinder(typeof(Tensor).Assembly.Location));

    [Fact]
    public void The_finder_sees_the_temporaries_of_implicit_constants_tensor_sums_squares_and_optimizer_steps()
    {
        Assert.True(s_finder.Value.TorchSharpMakerCount > 100, $"only {s_finder.Value.TorchSharpMakerCount} TorchSharp methods found making Scalars");

        var sites = s_finder.Value.CallSites(typeof(KnownTemporaries).Assembly.Location, isAllowed: _ => false)
            .Where(s => s.Contains(nameof(KnownTemporaries), StringComparison.Ordinal))
            .ToList();

        Assert.Contains(sites, s => s.Contains("ImplicitConstant", StringComparison.Ordinal) && s.Contains("Scalar::op_Implicit", StringComparison.Ordinal));
        Assert.Contains(sites, s => s.Contains("TensorSum", StringComparison.Ordinal) && s.Contains("op_Addition", StringComparison.Ordinal));
        Assert.Contains(sites, s => s.Contains("Square", StringComparison.Ordinal) && s.Contains("square", StringComparison.Ordinal));
        Assert.Contains(sites, s => s.Contains("OptimizerStep", StringComparison.Ordinal) && s.Contains("Optimizer::step", StringComparison.Ordinal));
        Assert.DoesNotContain(sites, s => s.Contains("KeptConstant", StringComparison.Ordinal) || s.Contains("TensorDifference", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainWatch_makes_no_temporary_Scalar_outside_DeviceScalars()
    {
        var sites = s_finder.Value.CallSites(typeof(TrainWatcher).Assembly.Location, type => type == typeof(DeviceScalars).FullName);

        Assert.True(sites.Count == 0, "temporary Scalars at:\n" + string.Join("\n", sites));
    }

    [Fact]
    public void The_example_makes_no_temporary_Scalar_except_in_the_optimizer_step_it_shows()
    {
        // Program is the example's training loop: its optimizer.step() is TorchSharp's own code, kept because it is what
        // a user's loop calls (docs/reliability.md). Its data generator and model must not add temporaries of their own.
        var sites = s_finder.Value.CallSites(typeof(ShapesDataset).Assembly.Location, type => type == "TrainWatch.Examples.ShapesCnn.ScalarConstants");

        var unexpected = sites.Where(s => !Regex.IsMatch(s, @"^Program[:/].* -> (Optimizer::step|optim::SGD)\(")).ToList();
        Assert.True(unexpected.Count == 0, "temporary Scalars at:\n" + string.Join("\n", unexpected));
        Assert.Contains(sites, s => s.Contains("Optimizer::step", StringComparison.Ordinal));
    }

    [Fact]
    public void The_zoo_models_and_their_data_make_no_temporary_Scalar()
    {
        // The zoo's training loop is a user's loop (TorchSharp's own optimizer code included); its models and data
        // generators run in tests beside the storm of collections and must keep their constants.
        string[] holders = ["SyntheticData", "ResidualCnn", "AttentionClassifier"];
        var sites = s_finder.Value.CallSites(typeof(TrainWatch.Examples.FaultZoo.Models.ZooModel).Assembly.Location, type => holders.Any(h => type == $"TrainWatch.Examples.FaultZoo.Models.{h}"));

        var inModels = sites.Where(s => s.StartsWith("TrainWatch.Examples.FaultZoo.Models.", StringComparison.Ordinal)).ToList();
        Assert.True(inModels.Count == 0, "temporary Scalars at:\n" + string.Join("\n", inModels));
    }

    /// <summary>One method per kind of call site, for the finder to find (or, for the kept ones, not to).</summary>
    private static class KnownTemporaries
    {
        private static readonly Scalar s_two = 2;

        public static Tensor ImplicitConstant(Tensor t) => t.mul(2);

        public static Tensor KeptConstant(Tensor t) => t.mul(s_two);

        public static Tensor TensorSum(Tensor a, Tensor b) => a + b;

        public static Tensor TensorDifference(Tensor a, Tensor b) => a - b;

        public static Tensor Square(Tensor t) => t.square();

        public static void OptimizerStep(optim.Optimizer optimizer) => optimizer.step();
    }
}
