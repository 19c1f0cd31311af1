using TrainWatch.Imaging;

namespace TrainWatch.Testing.Fuzz;

/// <summary>
/// The seeds both fuzz suites mutate: small to large, covering every kind the writer produces (scalars, histograms,
/// text, images), so damage lands in headers, short payloads and long ones alike.
/// </summary>
public static class SeedEventFiles
{
    private static readonly Lazy<IReadOnlyList<SeedEventFile>> s_standard = new(() =>
    [
        SeedEventFile.Write("scalars", writer =>
        {
            for (int step = 0; step < 12; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
        }),
        SeedEventFile.Write("scalars, histograms, text", writer => LogMixed(writer, steps: 30)),
        SeedEventFile.Write("images and histograms", writer =>
        {
            LogMixed(writer, steps: 6);
            var random = new Random(11);
            foreach (var (format, size) in new[] { (PixelFormat.Gray8, 8), (PixelFormat.Rgb24, 16), (PixelFormat.Rgba32, 24) })
            {
                var pixels = new byte[size * size * format.BytesPerPixel()];
                random.NextBytes(pixels);
                writer.AddImage($"image/{format}", pixels, size, size, format, step: size);
            }
        }),
    ]);

    /// <summary>The standard seeds, built once per test process.</summary>
    public static IReadOnlyList<SeedEventFile> All => s_standard.Value;

    /// <summary>The standard seed called <paramref name="name"/> (as printed in a counterexample).</summary>
    public static SeedEventFile Named(string name) => All.Single(seed => seed.Name == name);

    /// <summary>Scalars every step, histograms and a text note every third step, from a fixed random sequence.</summary>
    public static void LogMixed(SummaryWriter writer, int steps)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var random = new Random(5);
        for (int step = 0; step < steps; step++)
        {
            writer.AddScalar($"loss/{step % 3}", random.NextDouble(), step);
            if (step % 3 == 0)
            {
                writer.AddHistogram("weights", Enumerable.Range(0, 200).Select(_ => (float)random.NextDouble()).ToArray(), step);
                writer.AddText("note", $"step {step}", step);
            }
        }
    }
}
