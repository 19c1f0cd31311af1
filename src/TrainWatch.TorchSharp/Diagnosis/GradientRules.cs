using System.Globalization;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Exploding and vanishing gradients, judged per layer against the layer's own history and the run's scale (see
/// <see cref="AlertOptions.ExplodingFactor"/> and <see cref="AlertOptions.VanishingFactor"/>).
/// </summary>
internal sealed class GradientRules(AlertOptions options)
{
    private const string Global = "(global)";
    private readonly Dictionary<string, SeriesHistory> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _growing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fading = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesHistory> _shares = new(StringComparer.Ordinal);

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        double global = sample.GlobalGradientNorm;
        bool overLimit = double.IsFinite(global) && global > options.GlobalGradientNormLimit;

        // All gradients at ~0 is what a loss near zero gives; it is vanishing only while the loss stays up.
        if (global < options.GlobalVanishingNorm && loss.FallSinceStart < 1e3)
        {
            findings.Add(new(AlertKind.VanishingGradient, Global, global, Invariant($"global gradient norm {global:G3} is below {options.GlobalVanishingNorm:G3} while the loss stays at {loss.Smoothed:G3}")));
        }

        var globalHistory = History(Global);
        double globalMedian = globalHistory.Median;
        if (double.IsFinite(global))
        {
            globalHistory.Add(global);
        }

        foreach (var p in sample.Parameters)
        {
            // A gradient that overflowed to ±∞ while the weights are still finite is the end point of an explosion.
            if (p.Gradient is { InfCount: > 0 } overflowed && !p.Weight.HasNonFinite)
            {
                findings.Add(new(AlertKind.ExplodingGradient, p.Name, double.PositiveInfinity, Invariant($"{p.Name} gradient overflowed: {overflowed.InfCount} of {overflowed.Numel} values are ±∞")));
            }

            if (p.Gradient is not { } grad || grad.HasNonFinite)
            {
                continue;
            }

            double norm = grad.Norm;
            var history = History(p.Name);
            bool warm = history.Count >= options.WarmupSamples;
            bool significant = !double.IsFinite(global) || norm >= options.SignificantFraction * global;

            // Its norm against all the others': a loss blip moves every layer together, a layer blowing up alone does not.
            double others = Math.Sqrt(Math.Max(0, global * global - norm * norm));
            double share = others > 0 ? norm / others : double.PositiveInfinity;
            var shares = Share(p.Name);
            // Alone means its own norm rose too, to a new recent high: another layer fading away also raises this
            // one's share. And only on a settled history: the first samples of a run swing by more than that.
            bool alone = shares.Count >= 2 * options.WarmupSamples && share > options.ExplodingFactor * shares.Median
                && norm > AloneRise * history.Median && norm > history.Max;
            CheckExploding(p.Name, norm, history, warm && significant, alone, overLimit, findings);
            if (double.IsFinite(share))
            {
                shares.Add(share);
            }

            // Only weight matrices and kernels: a bias's gradient is a sum of signed terms that can cancel to ~0 on a
            // healthy step; and only when it lasts two samples.
            double median = history.Median;
            bool mattered = median >= options.SignificantFraction * globalMedian;
            double fall = median / Math.Max(norm, double.Epsilon);
            bool fading = warm && mattered && grad.Rank >= 2 && fall > options.VanishingFactor && fall > options.LossFollowFactor * loss.RecentFall;
            if (fading && _fading.Contains(p.Name))
            {
                findings.Add(new(AlertKind.VanishingGradient, p.Name, norm, Invariant(
                    $"{p.Name} gradient norm {norm:G3} is {fall:G3}× below its running median {median:G3}, while the loss fell {loss.RecentFall:G3}×")));
            }

            if (fading)
            {
                _fading.Add(p.Name);
            }
            else
            {
                _fading.Remove(p.Name);
                history.Add(norm); // a fading norm stays out of the median it is judged against
            }
        }

        // After the layers: the layer alerts say where, this one only that the whole is past its limit.
        if (overLimit)
        {
            findings.Add(new(AlertKind.ExplodingGradient, Global, global, Invariant($"global gradient norm {global:G4} is above the limit {options.GlobalGradientNormLimit:G4}")));
        }
    }

    private void CheckExploding(string name, double norm, SeriesHistory history, bool eligible, bool alone, bool globalOverLimit, List<Finding> findings)
    {
        double recentMax = history.Max;
        double factor = options.ExplodingFactor;
        // Far above its recent norms and above any it ever had; or rising alone (BN after a layer caps how far its own
        // gradient can climb, but not its share of the total).
        bool candidate = eligible && recentMax > 0 && ((norm > factor * recentMax && norm > history.AllTimeMax) || alone);
        bool wasGrowing = _growing.Contains(name);
        if (candidate)
        {
            _growing.Add(name);
        }
        else
        {
            _growing.Remove(name);
        }

        // At once when it rose alone (its share of the global norm jumped), by the factor squared, or while the global
        // norm is past its limit; otherwise only if it keeps growing at the next sample (layers leaving a plateau rise
        // once, together, and settle).
        if (candidate && (alone || norm > factor * factor * recentMax || globalOverLimit || wasGrowing))
        {
            findings.Add(new(AlertKind.ExplodingGradient, name, norm, Invariant(
                $"{name} gradient norm {norm:G4} is {norm / recentMax:F1}× the largest of its last {history.Count} samples ({recentMax:G4}){(alone ? ", rising alone against the other layers" : " and above any it had before")}")));
        }
    }

    // How far a layer's own norm must rise above its running median to count as rising alone.
    private const double AloneRise = 3;

    private SeriesHistory Share(string name) => Get(_shares, name);

    private SeriesHistory History(string name) => Get(_history, name);

    private SeriesHistory Get(Dictionary<string, SeriesHistory> series, string name)
    {
        if (!series.TryGetValue(name, out var history))
        {
            history = new SeriesHistory(options.HistoryWindow);
            series[name] = history;
        }

        return history;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
