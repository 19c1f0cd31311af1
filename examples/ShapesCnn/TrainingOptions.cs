using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TorchSharp;

namespace TrainWatch.Examples.ShapesCnn;

/// <summary>Command-line settings of the example, and their parser.</summary>
/// <remarks>
/// Parsed by hand: seven flags do not justify a dependency, and the example should read like a plain training
/// script. Accepts <c>--name value</c> and <c>--name=value</c>.
/// </remarks>
public sealed record TrainingOptions
{
    // ~40 s on 2 shared CPU cores (~35-40 steps/s without a monitor), about a minute with one attached: long
    // enough for clear learning curves in TensorBoard, short enough to rerun while trying things.
    public const int DefaultSteps = 1500;
    public const int DefaultSampleEvery = 10;
    public const double DefaultLearningRate = 0.02;
    public const int DefaultBatchSize = 64;
    public const ulong DefaultSeed = 42;

    public static string Usage { get; } = $"""
        Usage: ShapesCnn [options]

          --logdir DIR     TensorBoard run directory (default: runs/shapes-<yyyyMMdd-HHmmss>)
          --steps N        training steps (default: {DefaultSteps})
          --every K        TrainWatch sampling interval, in steps (default: {DefaultSampleEvery})
          --lr X           SGD learning rate, momentum 0.9 (default: {DefaultLearningRate.ToString(CultureInfo.InvariantCulture)}; 1.0 or more makes training diverge)
          --batch B        batch size (default: {DefaultBatchSize})
          --device D       cpu or cuda (default: cpu)
          --seed S         seed for data and weights (default: {DefaultSeed})
          -h, --help       show this help
        """;

    public string LogDir { get; init; } = DefaultLogDir(DateTime.Now);
    public int Steps { get; init; } = DefaultSteps;
    public int SampleEvery { get; init; } = DefaultSampleEvery;
    public double LearningRate { get; init; } = DefaultLearningRate;
    public int BatchSize { get; init; } = DefaultBatchSize;
    public DeviceType Device { get; init; } = DeviceType.CPU;
    public ulong Seed { get; init; } = DefaultSeed;

    public static string DefaultLogDir(DateTime startTime) =>
        Path.Combine("runs", "shapes-" + startTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    public static bool IsHelpRequested(IReadOnlyList<string> args) => args.Any(arg => arg is "-h" or "--help");

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args,
        [NotNullWhen(true)] out TrainingOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        options = null;
        var parsed = new TrainingOptions();

        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string? value;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else
            {
                value = i + 1 < args.Count ? args[++i] : null;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{name}'";
                return false;
            }
            if (value is null)
            {
                error = $"{name} needs a value";
                return false;
            }

            error = null;
            switch (name)
            {
                case "--logdir" when !string.IsNullOrWhiteSpace(value):
                    parsed = parsed with { LogDir = value };
                    break;
                case "--logdir":
                    error = $"{name} must not be empty";
                    break;
                case "--steps":
                    if (TryPositiveInt(name, value, out int steps, out error))
                        parsed = parsed with { Steps = steps };
                    break;
                case "--every":
                    if (TryPositiveInt(name, value, out int every, out error))
                        parsed = parsed with { SampleEvery = every };
                    break;
                case "--batch":
                    if (TryPositiveInt(name, value, out int batch, out error))
                        parsed = parsed with { BatchSize = batch };
                    break;
                case "--lr":
                    if (TryLearningRate(name, value, out double learningRate, out error))
                        parsed = parsed with { LearningRate = learningRate };
                    break;
                case "--device":
                    if (TryDevice(name, value, out DeviceType device, out error))
                        parsed = parsed with { Device = device };
                    break;
                case "--seed":
                    if (ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
                        parsed = parsed with { Seed = seed };
                    else
                        error = $"{name} must be a non-negative integer, got '{value}'";
                    break;
                default:
                    error = $"unknown option '{name}'";
                    break;
            }
            if (error is not null)
                return false;
        }

        options = parsed;
        error = null;
        return true;
    }

    private static bool TryPositiveInt(string name, string value, out int result, out string? error)
    {
        bool valid = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result > 0;
        error = valid ? null : $"{name} must be a positive integer, got '{value}'";
        return valid;
    }

    private static bool TryLearningRate(string name, string value, out double result, out string? error)
    {
        bool valid = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out result)
            && double.IsFinite(result) && result > 0;
        error = valid ? null : $"{name} must be a positive number, got '{value}'";
        return valid;
    }

    private static bool TryDevice(string name, string value, out DeviceType result, out string? error)
    {
        switch (value.ToLowerInvariant())
        {
            case "cpu":
                result = DeviceType.CPU;
                error = null;
                return true;
            case "cuda":
                result = DeviceType.CUDA;
                error = null;
                return true;
            default:
                result = default;
                error = $"{name} must be 'cpu' or 'cuda', got '{value}'";
                return false;
        }
    }
}
