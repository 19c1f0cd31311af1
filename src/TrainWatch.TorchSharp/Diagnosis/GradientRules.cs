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

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        double global = sample.GlobalGradientNorm;
        if (double.IsFinite(global) && global > options.GlobalGradientNormLimit)
        {
            findings.Add(new(AlertKind.ExplodingGradient, Global, global, Invariant($"global gradient norm {global:G4} is above the limit {options.GlobalGradientNormLimit:G4}")));
        }

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
            if (p.Gradient is not { } grad || grad.HasNonFinite)
            {
                continue;
            }

            double norm = grad.Norm;
            var history = History(p.Name);
            bool warm = history.Count >= options.WarmupSamples;
            bool significant = !double.IsFinite(global) || norm >= options.SignificantFraction * global;
            CheckExploding(p.Name, norm, history, warm && significant, findings);

            double median = history.Median;
            bool mattered = median >= options.SignificantFraction * globalMedian;
            double fall = median / Math.Max(norm, double.Epsilon);
            if (warm && mattered && fall > options.VanishingFactor && fall > options.LossFollowFactor * loss.RecentFall)
            {
                findings.Add(new(AlertKind.VanishingGradient, p.Name, norm, Invariant(
                    $"{p.Name} gradient norm {norm:G3} is {fall:G3}× below its running median {median:G3}, while the loss fell {loss.RecentFall:G3}×")));
            }

            history.Add(norm);
        }
    }

    private void CheckExploding(string name, double norm, SeriesHistory history, bool eligible, List<Finding> findings)
    {
        double recentMax = history.Max;
        double factor = options.ExplodingFactor;
        bool candidate = eligible && recentMax > 0 && norm > factor * recentMax && norm > history.AllTimeMax;
        bool wasGrowing = _growing.Contains(name);
        if (candidate)
        {
            _growing.Add(name);
        }
        else
        {
            _growing.Remove(name);
        }

        if (candidate && (norm > factor * factor * recentMax || wasGrowing))
        {
            findings.Add(new(AlertKind.ExplodingGradient, name, norm, Invariant(
                $"{name} gradient norm {norm:G4} is {norm / recentMax:F1}× the largest of its last {history.Count} samples ({recentMax:G4}) and above any it had before")));
        }
    }

    private SeriesHistory History(string name)
    {
        if (!_history.TryGetValue(name, out var history))
        {
            history = new SeriesHistory(options.HistoryWindow);
            _history[name] = history;
        }

        return history;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
