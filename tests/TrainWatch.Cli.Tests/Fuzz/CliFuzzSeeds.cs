using TrainWatch.Cli.Tests.Support;
using TrainWatch.Protos;
using TrainWatch.Testing.Fuzz;

namespace TrainWatch.Cli.Tests.Fuzz;

/// <summary>
/// The standard fuzz seeds plus one in TensorBoard 2.x form (tensor histograms, float and double, and tensor scalars),
/// which the CLI decodes by a different path than the core writer's legacy protos.
/// </summary>
public static class CliFuzzSeeds
{
    private static readonly Lazy<IReadOnlyList<SeedEventFile>> s_seeds = new(() =>
    [
        .. SeedEventFiles.All,
        SeedEventFile.Write("tensor histograms and scalars", writer =>
        {
            for (int step = 0; step < 8; step++)
            {
                var buckets = Histograms.Bucket(Histograms.Normal(step, 200, mean: 0, std: 1), 12);
                writer.AddSummary(new Summary
                {
                    Value =
                    {
                        TestRuns.TensorHistogram("act/float", buckets, HistogramForm.FloatTensor, withMetadata: step == 0),
                        TestRuns.TensorHistogram("act/double", buckets, HistogramForm.DoubleTensor, withMetadata: step == 0),
                        TestRuns.TensorScalar("accuracy", step / 8f, withMetadata: step == 0),
                    },
                }, step);
            }
        }),
    ]);

    public static IReadOnlyList<SeedEventFile> All => s_seeds.Value;

    /// <summary>The seed called <paramref name="name"/> (as printed in a counterexample).</summary>
    public static SeedEventFile Named(string name) => All.Single(seed => seed.Name == name);
}
