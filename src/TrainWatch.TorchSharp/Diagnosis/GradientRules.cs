using System.Globalization;
using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Exploding and vanishing gradients, judged per layer against the layer's own history and the run's scale (see
/// <see cref="AlertOptions.ExplodingFactor"/> and <see cref="AlertOptions.VanishingFactor"/>).
/// </summary>
internal sealed class GradientRules(AlertOptions options)
{
    /// <summary>The place of findings about the global gradient norm.</summary>
    public const string Global = "(global)";
    private readonly Dictionary<string, SeriesHistory> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _growing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double Norm, double Baseline, bool Alone)> _spikes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fading = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesHistory> _shares = new(StringComparer.Ordinal);
    private readonly GradientCreep _creep = new(options);
    private bool _globalFading;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        double global = sample.GlobalGradientNorm;
        bool overLimit = double.IsFinite(global) && global > options.GlobalGradientNormLimit;

        // All gradients at ~0 is what a loss near zero gives; it is vanishing only while the loss stays up, and, as
        // for a layer, only when it lasts two samples (healthy runs touch ~0 on a single sample now and then).
        bool globalFading = global < options.GlobalVanishingNorm && loss.FallSinceStart < LearnedFall && !loss.Solved;
        bool globalWasFading = _globalFading;
        _globalFading = globalFading;
        if (globalFading && globalWasFading)
        {
            findings.Add(new(AlertKind.VanishingGradient, Global, global, Invariant($"global gradient norm {global:G3} is below {options.GlobalVanishingNorm:G3} while the loss stays at {loss.Smoothed:G3}")));
        }

        var globalHistory = History(Global);
        double globalMedian = globalHistory.Median;
        // The run's own scale: a layer far below the largest global norm the run has seen is not exploding, whatever
        // its own history says (1e-4 to 2e-4 on a converged model).
        double floor = double.IsFinite(globalHistory.AllTimeMax) ? RunScaleFraction * globalHistory.AllTimeMax : 0;
        if (double.IsFinite(global))
        {
            globalHistory.Add(global);
        }

        // Rising alone is exclusive: when several layers "rise alone" on one sample, they rise together (the loss
        // moved, or a layer below them died), and none of them is the one blowing up.
        string? aloneLayer = null;
        bool severalAlone = false;
        foreach (var p in sample.Parameters)
        {
            if (RisesAlone(p, global))
            {
                severalAlone |= aloneLayer is not null && !string.Equals(aloneLayer, p.Name, StringComparison.Ordinal);
                aloneLayer ??= p.Name;
            }
        }

        double leastFall = LeastFall(sample, globalMedian);
        List<Finding>? creeping = null;
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

            bool alone = !severalAlone && string.Equals(aloneLayer, p.Name, StringComparison.Ordinal);
            int before = findings.Count;
            double share = Share(norm, global);
            CheckExploding(p.Name, norm, share, history, warm && significant && norm > floor, alone, overLimit, findings);
            if (double.IsFinite(share))
            {
                Share(p.Name).Add(share);
            }

            // A slow climb, judged over steps, of weight matrices and kernels only (a bias's or a norm gain's gradient
            // swings as a sum of signed terms); the jump rule's words first when both hold.
            if (grad.Rank >= 2 && _creep.Add(p.Name, sample.Step, norm, share, significant && norm > floor) is { } creep && findings.Count == before)
            {
                (creeping ??= []).Add(creep);
            }

            // Only weight matrices and kernels: a bias's gradient is a sum of signed terms that can cancel to ~0 on a
            // healthy step; and only when it lasts two samples.
            double median = history.Median;
            bool mattered = median >= options.SignificantFraction * globalMedian;
            double fall = median / Math.Max(norm, double.Epsilon);
            // And it fell alone: when every weight layer's gradient falls together, the model is converging (the loss
            // is near its floor), not losing its gradient on the way down to the early layers.
            // And while the loss has not fallen far: a run that cut its loss LearnedFall times is learning, and a loss
            // that low has gradients as small as what is left of its error (through saturating gates smaller still).
            bool fading = warm && mattered && grad.Rank >= 2 && fall > options.VanishingFactor && fall > options.LossFollowFactor * loss.RecentFall
                && fall > TogetherFactor * leastFall && loss.FallSinceStart < LearnedFall && !loss.Solved;
            if (fading && _fading.Contains(p.Name))
            {
                string drop = norm > 0 ? Invariant($"{norm:G3}, {fall:G3}× below its running median {median:G3}") : Invariant($"exactly 0 (its running median {median:G3})");
                string lossNow = loss.RecentFall >= 1.5 ? Invariant($"the loss fell only {loss.RecentFall:G3}× to {loss.Smoothed:G3}") : Invariant($"the loss stays at {loss.Smoothed:G3}");
                findings.Add(new(AlertKind.VanishingGradient, p.Name, norm, Invariant($"{p.Name} gradient norm is {drop}, while {lossNow}")));
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

        // Creeping is alone, as rising alone is: while another weight layer's norm has also climbed well above its
        // baseline, the layers rise together — a phase of training (leaving the first plateau), not one blowing up.
        var creepingAlone = creeping?.Where(c => !sample.Parameters.Any(p => p.Name != c.Layer && _creep.NormRise(p.Name) >= CompanionRise)).ToList() ?? [];
        if (creepingAlone.Count == 1)
        {
            findings.Add(creepingAlone[0]);
        }

        // After the layers: the layer alerts say where, this one only that the whole is past its limit.
        if (overLimit)
        {
            findings.Add(new(AlertKind.ExplodingGradient, Global, global, Invariant($"global gradient norm {global:G4} is above the limit {options.GlobalGradientNormLimit:G4}")));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckExploding(string name, double norm, double share, SeriesHistory history, bool eligible, bool alone, bool globalOverLimit, List<Finding> findings)
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

        // A jump (rising alone, or past the factor squared) is an explosion when the next sample is still up, at least
        // half as high, and, for a rise alone, still past the thresholds of rising alone against the history before
        // the jump: one hard minibatch makes a one-sample spike, of every layer together or, at every = 1, of a
        // single one, gone at the next sample; a layer blowing up stays up. A smaller rise must go on growing on the
        // next sample (layers leaving a plateau rise once, together, and settle). Only a global norm past its limit
        // is reported at once; a blow-up that ends in overflow is reported by the overflow finding and the non-finite
        // rule at once.
        (double Norm, double Baseline, bool Alone)? spike = _spikes.Remove(name, out var pending) ? pending : null;
        bool stayedUp = spike is { } earlier && eligible && norm >= earlier.Norm / 2 && (!earlier.Alone || IsAloneRise(name, norm, share, earlier.Baseline));
        if (candidate && !wasGrowing && (alone || norm > factor * factor * recentMax))
        {
            _spikes[name] = (norm, recentMax, alone);
        }

        if (candidate && (globalOverLimit || wasGrowing))
        {
            findings.Add(new(AlertKind.ExplodingGradient, name, norm, Invariant(
                $"{name} gradient norm {norm:G3} is {norm / recentMax:G3}× the largest of its last {history.Count} samples ({recentMax:G3}){(alone ? ", rising alone against the other layers" : " and above any it had before")}")));
        }
        else if (stayedUp && spike is { } up)
        {
            findings.Add(new(AlertKind.ExplodingGradient, name, norm, Invariant(
                $"{name} gradient norm {norm:G3} is {norm / up.Baseline:G3}× the largest of its recent samples before it rose ({up.Baseline:G3}), for a second sample{(up.Alone ? ", rising alone against the other layers" : "")}")));
        }
    }

    // Its norm against all the others': a loss blip moves every layer together, a layer blowing up alone does not.
    // Alone means its own norm rose too, to a new recent high: another layer fading away also raises this one's
    // share. And only on a settled history: the first samples of a run swing by more than that.
    // Weight matrices and kernels only: a bias's gradient is a sum of signed terms, and its share of the total swings
    // by more than 10× on healthy runs (a query projection's bias, a recurrent net's input bias); a layer blowing up
    // shows in its weight.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool RisesAlone(ParameterSample p, double global) =>
        p.Gradient is { HasNonFinite: false, Rank: >= 2 } grad && IsAloneRise(p.Name, grad.Norm, Share(grad.Norm, global), recentMax: null);

    // Its share far above its usual share, its norm far above its running median and above recentMax (the largest of
    // its recent norms when null, or, confirming a jump, of those before it).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsAloneRise(string name, double norm, double share, double? recentMax) =>
        _history.TryGetValue(name, out var history) && _shares.TryGetValue(name, out var shares)
        && shares.Count >= 2 * options.WarmupSamples && share > options.ExplodingFactor * shares.Median
        && norm > AloneRise * history.Median && norm > AloneJump * (recentMax ?? history.Max);

    // How far the weight layer whose gradient fell least has fallen below its running median (1 with fewer than two
    // weight layers to compare): vanishing is one part of the network losing its gradient against the rest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double LeastFall(SampleData sample, double globalMedian)
    {
        double least = double.PositiveInfinity;
        int layers = 0;
        foreach (var p in sample.Parameters)
        {
            if (p.Gradient is not { HasNonFinite: false, Rank: >= 2 } grad || !_history.TryGetValue(p.Name, out var history)
                || history.Count < options.WarmupSamples || !(history.Median >= options.SignificantFraction * globalMedian))
            {
                continue;
            }

            least = Math.Min(least, history.Median / Math.Max(grad.Norm, double.Epsilon));
            layers++;
        }

        return layers >= 2 ? least : 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Share(double norm, double global)
    {
        double others = Math.Sqrt(Math.Max(0, (global * global) - (norm * norm)));
        return others > 0 ? norm / others : double.PositiveInfinity;
    }

    // How far a layer's own norm must rise above its running median, and above the largest of its recent norms, to
    // count as rising alone: a norm layer's gain drifting 1.4× past its recent high is training, not a blow-up.
    private const double AloneRise = 3;
    private const double AloneJump = 2;

    // Another weight layer whose norm rose this far over the creep rule's horizon makes a climb shared, not alone.
    private const double CompanionRise = 2;

    // A weight layer has vanished only when its gradient fell this many times further than the layer that fell least.
    private const double TogetherFactor = 10;

    // A loss this many times below its start is being learned: no gradient of it is vanishing.
    private const double LearnedFall = 30;

    // A layer's gradient below this fraction of the largest global norm of the run is too small to be exploding.
    private const double RunScaleFraction = 1e-3;

    private SeriesHistory Share(string name) => Get(_shares, name);

    private SeriesHistory History(string name) => Get(_history, name);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
