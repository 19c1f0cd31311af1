namespace TrainWatch.RunFormat;

/// <summary>
/// The statistic names in per-layer scalar tags (<c>grad_norm/fc1.weight</c>, <c>activation_dead_units/features.2</c>);
/// see <see cref="LayerTags"/>.
/// </summary>
public static class TensorStatistic
{
    /// <summary>L2 norm.</summary>
    public const string Norm = "norm";

    /// <summary>Mean of the finite values.</summary>
    public const string Mean = "mean";

    /// <summary>Standard deviation of the finite values.</summary>
    public const string Std = "std";

    /// <summary>Smallest finite value (written only when there is one).</summary>
    public const string Min = "min";

    /// <summary>Largest finite value (written only when there is one).</summary>
    public const string Max = "max";

    /// <summary>Fraction of values that are exactly zero.</summary>
    public const string ZeroFraction = "zero_fraction";

    /// <summary>Number of NaN values.</summary>
    public const string NaNCount = "nan_count";

    /// <summary>Number of ±∞ values.</summary>
    public const string InfCount = "inf_count";

    /// <summary>Units (features or channels) of a module's output that are zero for the whole batch.</summary>
    public const string DeadUnits = "dead_units";

    /// <summary>Model check at attach, for a suspect tensor: largest finite |x|.</summary>
    public const string AbsMax = "abs_max";

    /// <summary>Model check at attach: nonzero values below the dtype's smallest normal magnitude.</summary>
    public const string DenormalCount = "denormal_count";

    /// <summary>Model check at attach: NaN and ±∞ values.</summary>
    public const string NonFiniteCount = "non_finite_count";

    /// <summary>Model check at attach: standard deviation over the init scale the layer's fan-in implies, for weight matrices.</summary>
    public const string StdToInitScale = "std_to_init_scale";
}
