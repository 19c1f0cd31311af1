namespace TrainWatch.Imaging;

/// <summary>How values are turned into colour-map positions in [0, 1].</summary>
public enum NormalizationMode
{
    /// <summary>The smallest value maps to 0, the largest to 1.</summary>
    MinMax,

    /// <summary>−max|v| maps to 0, zero to 0.5, +max|v| to 1: the sign stays readable (use with a diverging map).</summary>
    Symmetric,
}

/// <summary>Over which values the range of a <see cref="NormalizationMode"/> is measured.</summary>
public enum NormalizationScope
{
    /// <summary>Each tile gets its own range: shows the pattern inside every tile, hides their relative strength.</summary>
    PerTile,

    /// <summary>One range for all tiles: tiles are comparable with each other.</summary>
    Global,
}

/// <summary>
/// Normalises floats to [0, 1] for colour mapping. Non-finite inputs (NaN, ±∞) are left out of the range and come out
/// as NaN, which colour maps paint in their NaN colour. Constant input (including all-zero) comes out as 0.5 — no
/// division by zero.
/// </summary>
public static class Normalization
{
    /// <summary>The output for every value when the input has no spread.</summary>
    public const float ConstantValue = 0.5f;

    /// <summary>The smallest and largest finite values, or <c>null</c> when there is none.</summary>
    public static (float Min, float Max)? FiniteRange(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return min <= max ? (min, max) : null;
    }

    /// <summary>Min–max normalisation of <paramref name="values"/> into <paramref name="destination"/> (same length; may be the same memory).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MinMax(ReadOnlySpan<float> values, Span<float> destination)
    {
        var range = FiniteRange(values);
        MinMax(values, destination, range?.Min ?? 0f, range?.Max ?? 0f);
    }

    /// <summary>
    /// Normalisation against a fixed range (<paramref name="min"/> → 0, <paramref name="max"/> → 1, clamped): keeps
    /// pictures from different steps comparable.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void MinMax(ReadOnlySpan<float> values, Span<float> destination, float min, float max)
    {
        CheckLengths(values, destination);

        // Why double: max − min of two large floats of opposite sign overflows float.
        double span = (double)max - min;
        bool flat = !(span > 0) || !double.IsFinite(span);
        double scale = flat ? 0 : 1 / span;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            destination[i] = !float.IsFinite(v) ? float.NaN
                : flat ? ConstantValue
                : (float)Math.Clamp((v - (double)min) * scale, 0, 1);
        }
    }

    /// <summary>Symmetric normalisation: −max|v| → 0, 0 → 0.5, +max|v| → 1.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Symmetric(ReadOnlySpan<float> values, Span<float> destination)
    {
        var range = FiniteRange(values);
        float maxAbs = range is { } r ? Math.Max(Math.Abs(r.Min), Math.Abs(r.Max)) : 0f;
        Symmetric(values, destination, maxAbs);
    }

    /// <summary>Symmetric normalisation against a fixed bound (−<paramref name="maxAbs"/> → 0, +<paramref name="maxAbs"/> → 1, clamped).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Symmetric(ReadOnlySpan<float> values, Span<float> destination, float maxAbs) =>
        MinMax(values, destination, -Math.Abs(maxAbs), Math.Abs(maxAbs));

    /// <summary>
    /// Normalises consecutive tiles of <paramref name="tileLength"/> values, each on its own range or all on one.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a whole number of tiles.</exception>
    public static void Apply(ReadOnlySpan<float> values, Span<float> destination, int tileLength, NormalizationMode mode, NormalizationScope scope)
    {
        CheckLengths(values, destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileLength);
        if (values.Length % tileLength != 0)
        {
            throw new ArgumentException($"{values.Length} values are not a whole number of tiles of {tileLength}.", nameof(tileLength));
        }

        if (scope == NormalizationScope.Global)
        {
            ApplyOne(values, destination, mode);
            return;
        }

        for (int start = 0; start < values.Length; start += tileLength)
        {
            ApplyOne(values.Slice(start, tileLength), destination.Slice(start, tileLength), mode);
        }
    }

    private static void ApplyOne(ReadOnlySpan<float> values, Span<float> destination, NormalizationMode mode)
    {
        if (mode == NormalizationMode.Symmetric)
        {
            Symmetric(values, destination);
        }
        else
        {
            MinMax(values, destination);
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> values, Span<float> destination)
    {
        if (values.Length != destination.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values, the input {values.Length}.", nameof(destination));
        }
    }
}
