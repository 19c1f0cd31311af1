using System.CommandLine;
using TrainWatch.Events;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// Hidden: <c>trainwatch generate-bench-runs DIR</c> writes two runs, <c>DIR/a</c> and <c>DIR/b</c>, of Gaussian-shaped
/// histograms (default 100 tags × 1,000 steps, 64 buckets — what the TrainWatch watcher writes) for the diff benchmark.
/// Run b's first tag widens by half from the middle step on, so the diff has one divergence to find.
/// </summary>
internal static class GenerateBenchRunsCommand
{
    private const double ValuesPerHistogram = 10_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("DIR") { Description = "Where to create runs a and b." };
        var tags = new Option<int>("--tags") { DefaultValueFactory = _ => 100 };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 1000 };
        var buckets = new Option<int>("--buckets") { DefaultValueFactory = _ => 64 };
        var command = new Command("generate-bench-runs", "Write two synthetic runs for the diff benchmark.") { directory, tags, steps, buckets };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            int tagCount = parse.GetValue(tags), stepCount = parse.GetValue(steps), bucketCount = parse.GetValue(buckets);
            if (tagCount < 1 || stepCount < 1 || bucketCount < 1)
            {
                throw new CliException("--tags, --steps and --buckets must be positive.");
            }

            string root = parse.GetValue(directory)!;
            Write(Path.Combine(root, "a"), tagCount, stepCount, bucketCount, diverge: false);
            Write(Path.Combine(root, "b"), tagCount, stepCount, bucketCount, diverge: true);
            context.Out.WriteLine($"wrote {Path.Combine(root, "a")} and {Path.Combine(root, "b")}: {tagCount} histogram tags x {stepCount} steps, {bucketCount} buckets");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(string directory, int tagCount, int stepCount, int bucketCount, bool diverge)
    {
        // Block, not drop: a benchmark input with silently missing steps would measure the wrong thing.
        using var writer = new SummaryWriter(directory, new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        for (int step = 0; step < stepCount; step++)
        {
            for (int tag = 0; tag < tagCount; tag++)
            {
                double sigma = 0.05 * (1 + tag / (double)tagCount) * (1 + 0.2 * step / stepCount);
                if (diverge && tag == 0 && step >= stepCount / 2)
                {
                    sigma *= 1.5;
                }

                writer.AddHistogram($"layer{tag:D3}/weight", Gaussian(sigma, bucketCount), step);
            }
        }
    }

    // Counts of a N(0, sigma²) sample over `buckets` equal buckets spanning ±4σ, from the normal CDF: no random numbers needed.
    private static HistogramData Gaussian(double sigma, int buckets)
    {
        var edges = new double[buckets + 1];
        var counts = new double[buckets];
        for (int i = 0; i <= buckets; i++)
        {
            edges[i] = sigma * (-4 + 8.0 * i / buckets);
        }

        for (int i = 0; i < buckets; i++)
        {
            counts[i] = Math.Round(ValuesPerHistogram * (NormalCdf(edges[i + 1] / sigma) - NormalCdf(edges[i] / sigma)));
        }

        double num = counts.Sum();
        return new HistogramData(edges, counts, edges[0], edges[^1], 0, num * sigma * sigma);
    }

    private static double NormalCdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    // Abramowitz & Stegun 7.1.26 (error < 1.5e-7): ample for synthetic benchmark data.
    private static double Erf(double x)
    {
        double sign = Math.Sign(x);
        x = Math.Abs(x);
        double t = 1 / (1 + 0.3275911 * x);
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
