using System.Globalization;
using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>
/// Decides, from one tensor's reading, whether it holds values that no initialiser produces and a healthy checkpoint
/// does not hold either, and says so in one sentence with the likely cause and what to do. At most one finding per
/// tensor: the worst symptom, with denormals mentioned beside it (leftover memory usually shows both).
/// </summary>
/// <remarks>
/// The thresholds are deliberately far from anything legitimate, because a false alarm before the first step teaches
/// users to ignore the check. Standard inits stay below |w| ≈ 5 (an Embedding's N(0, 1)) and below the Kaiming scale
/// √(2/fan_in) in standard deviation; uninitialised memory typically shows 1e20 and beyond, denormals, or NaN.
/// </remarks>
internal static class InitialValueRules
{
    /// <summary>|w| above this in a weight matrix or a norm layer's gain or shift: no initialiser, and no healthy run, gets there.</summary>
    public const double WeightMagnitudeLimit = 1e4;

    /// <summary>
    /// |b| above this in any other vector parameter. Higher, because an output bias of a regression on raw targets
    /// (prices, counts) legitimately learns large values.
    /// </summary>
    public const double VectorMagnitudeLimit = 1e8;

    /// <summary>
    /// |x| above this in a buffer. Running variances of unnormalised inputs reach 1e10 legitimately; leftover memory is
    /// usually far beyond.
    /// </summary>
    public const double BufferMagnitudeLimit = 1e20;

    /// <summary>How many times the init scale a weight matrix's standard deviation may be.</summary>
    public const double StdFactorLimit = 100;

    /// <summary>Below this many elements a uniform weight is not called out (a 1×1 or 2×2 kernel may be constant by design).</summary>
    public const long UniformMinimumElements = 16;

    // Layers whose weights PyTorch/TorchSharp initialise at most at the Kaiming scale for their fan-in.
    private static readonly HashSet<string> s_fanInScaled =
    [
        "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
        "GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell", "MultiheadAttention",
    ];

    private static readonly HashSet<string> s_linearOrConv =
    [
        "Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    ];

    private static readonly HashSet<string> s_normLayers =
    [
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "LayerNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm",
    ];

    public static Finding? Examine(TensorReading reading)
    {
        var t = reading.Tensor;
        var stats = reading.Stats;
        string? symptom = null;
        double value = 0;
        bool denormalsSaid = false;

        // Buffers legitimately hold ±∞ (attention masks, running minima); NaN never.
        double nonFinite = t.IsBuffer ? stats.NaNCount : reading.NonFinite;
        if (nonFinite > 0)
        {
            string what = (stats.NaNCount, t.IsBuffer ? 0 : stats.InfCount) switch
            {
                (> 0, > 0) => Invariant($"{stats.NaNCount} NaN and {stats.InfCount} ±∞"),
                (> 0, _) => Invariant($"{stats.NaNCount} NaN"),
                _ => Invariant($"{stats.InfCount} ±∞"),
            };
            symptom = Invariant($"holds {what} of its {stats.Numel} values before training: uninitialised memory, or a bad checkpoint load?");
            value = nonFinite;
        }
        else if (reading.AbsMax > MagnitudeLimit(t))
        {
            symptom = Invariant($"holds values up to {reading.AbsMax:G2} before training: uninitialised memory?");
            value = reading.AbsMax;
        }
        else if (!t.IsBuffer && t.Rank >= 2 && stats.Std > StdFactorLimit * InitScale(t))
        {
            double scale = InitScale(t);
            symptom = s_fanInScaled.Contains(t.OwnerType)
                ? Invariant($"has a standard deviation of {stats.Std:G2} before training, {stats.Std / scale:G2}× the Kaiming scale √(2/fan_in) = {scale:G2} for its fan-in of {t.FanIn}: uninitialised memory, or an init scale applied twice? Each such layer multiplies the scale of what passes through it.")
                : Invariant($"has a standard deviation of {stats.Std:G2} before training, where random initialisers give about 1 or less: uninitialised memory, or an init scale applied twice?");
            value = stats.Std / scale;
        }
        else if (reading.Denormals > 0)
        {
            symptom = Invariant($"holds {Count(reading.Denormals, "denormal value")} (nonzero, smaller than any normal {t.DType}) before training: uninitialised memory? Denormals also make CPU arithmetic many times slower.");
            value = reading.Denormals;
            denormalsSaid = true;
        }
        else if (!t.IsBuffer && t.Rank >= 2 && t.LocalName == "weight" && s_linearOrConv.Contains(t.OwnerType) && t.FeedsReLU && reading.AllZero)
        {
            return new Finding(AlertKind.SuspectParameters, t.Name, 0, Invariant(
                $"{t.Name} is all zeros before training, and its {t.OwnerType} feeds a ReLU: the layer outputs a constant, where that is ≤ 0 the ReLU passes no gradient back, and then neither this layer nor any layer before it learns. Initialise it (TorchSharp's {t.OwnerType} constructor does; torch.nn.init.kaiming_uniform_ again) or find what zeroed it (a checkpoint, an init.zeros_)."));
        }
        else if (t.Trains && t.Rank >= 2 && t.Numel >= UniformMinimumElements && reading.Uniform && stats.Max != 0)
        {
            return new Finding(AlertKind.SuspectParameters, t.Name, stats.Max, Invariant(
                $"{t.Name} holds {stats.Max:G3} in every one of its {stats.Numel} values before training: its units compute the same thing and get the same gradient, so they never become different. Initialise it randomly (e.g. torch.nn.init.kaiming_uniform_)."));
        }

        if (symptom is null)
        {
            return null;
        }

        string also = !denormalsSaid && reading.Denormals > 0 ? Invariant($" It also holds {Count(reading.Denormals, "denormal value")}.") : "";
        return new Finding(AlertKind.SuspectParameters, t.Name, value, $"{t.Name} {symptom}{also} {Remedy(t)}");
    }

    /// <summary>
    /// The largest standard deviation a standard init gives this weight, up to small factors: √(2/fan_in) for layers
    /// initialised by their fan-in (Kaiming-normal with ReLU gain, above Kaiming-uniform, Xavier and the recurrent
    /// inits), 1 for everything else (an Embedding's N(0, 1), a custom parameter made with randn).
    /// </summary>
    public static double InitScale(CheckedTensor t) =>
        s_fanInScaled.Contains(t.OwnerType) && t.FanIn > 0 ? Math.Sqrt(2.0 / t.FanIn) : 1;

    private static double MagnitudeLimit(CheckedTensor t) =>
        t.IsBuffer ? BufferMagnitudeLimit
        : t.Rank >= 2 || s_normLayers.Contains(t.OwnerType) ? WeightMagnitudeLimit
        : VectorMagnitudeLimit;

    private static string Remedy(CheckedTensor t) => t switch
    {
        // TorchSharp 0.107 leaves GroupNorm's affine parameters as whatever memory they were given.
        { OwnerType: "GroupNorm", IsBuffer: false } => "(TorchSharp's GroupNorm does not initialise its parameters; set weight to 1 and bias to 0: weight.fill_(1), bias.zero_())",
        { IsBuffer: true } when t.OwnerType.StartsWith("BatchNorm", StringComparison.Ordinal) => "Reset it (reset_running_stats()) or check the checkpoint it came from.",
        { IsBuffer: true } => "Fill it before training, or check the checkpoint it came from.",
        { Rank: >= 2 } => "Initialise it (e.g. torch.nn.init.kaiming_uniform_; torch.empty leaves memory as it was) or check the checkpoint it came from.",
        _ when t.OwnerType.Length > 0 && s_normLayers.Contains(t.OwnerType) => "Initialise it (a norm layer's weight to 1, its bias to 0) or check the checkpoint it came from.",
        _ => "Initialise it (a bias to 0; torch.empty leaves memory as it was) or check the checkpoint it came from.",
    };

    private static string Count(double count, string noun) =>
        count == 1 ? $"1 {noun}" : string.Create(CultureInfo.InvariantCulture, $"{count} {noun}s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
