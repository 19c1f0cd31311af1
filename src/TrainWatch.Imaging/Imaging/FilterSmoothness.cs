namespace TrainWatch.Imaging;

/// <summary>
/// How smooth a conv layer's kernels are: the mean total variation of min–max normalised kernels. For each kernel,
/// values are scaled to [0, 1], then the absolute differences between horizontally and vertically adjacent elements
/// are summed and divided by the number of such pairs; the score is the mean over kernels.
/// </summary>
/// <remarks>
/// The score lies in [0, 1]: 0 for constant kernels, 1/(k−1)-ish for linear ramps, 1 for a checkerboard. Trained
/// first-layer filters tend to become smooth edge and blob detectors, so a score that stays high suggests filters
/// still close to noise. Normalising each kernel makes the score independent of weight scale (and of weight decay).
/// Kernels holding NaN or ±∞ are skipped; kernels of a single element have no pairs and are skipped too.
/// </remarks>
public static class FilterSmoothness
{
    /// <summary>
    /// Scores <paramref name="count"/> kernels of <paramref name="height"/>×<paramref name="width"/> values, stored one
    /// after another (a conv weight <c>[out, in, kh, kw]</c> is <c>out·in</c> kernels of <c>kh×kw</c>).
    /// </summary>
    /// <returns>The mean total variation, or NaN when no kernel could be scored.</returns>
    /// <exception cref="ArgumentException">A size is not positive or the values do not fill the kernels.</exception>
    public static double Score(ReadOnlySpan<float> kernels, int count, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        int kernelLength = height * width;
        if (kernels.Length != (long)count * kernelLength)
        {
            throw new ArgumentException($"{count} kernels of {height}x{width} need {(long)count * kernelLength} values, got {kernels.Length}.", nameof(kernels));
        }

        int pairs = (height * (width - 1)) + ((height - 1) * width);
        if (pairs == 0)
        {
            return double.NaN;
        }

        double total = 0;
        int scored = 0;
        for (int k = 0; k < count; k++)
        {
            double? variation = KernelVariation(kernels.Slice(k * kernelLength, kernelLength), height, width);
            if (variation is { } v)
            {
                total += v / pairs;
                scored++;
            }
        }

        return scored == 0 ? double.NaN : total / scored;
    }

    /// <summary>Sum of |adjacent differences| of one normalised kernel, or null if it holds a non-finite value.</summary>
    private static double? KernelVariation(ReadOnlySpan<float> kernel, int height, int width)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in kernel)
        {
            if (!float.IsFinite(v))
            {
                return null;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        double range = max - min;
        if (!(range > 0))
        {
            return 0; // A constant kernel is perfectly smooth.
        }

        double sum = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double here = kernel[(y * width) + x];
                if (x + 1 < width)
                {
                    sum += Math.Abs(kernel[(y * width) + x + 1] - here);
                }

                if (y + 1 < height)
                {
                    sum += Math.Abs(kernel[((y + 1) * width) + x] - here);
                }
            }
        }

        return sum / range;
    }
}
