using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.Examples.Population;

/// <summary>One alert as a run raised it, kept for scoring.</summary>
/// <param name="Incident">The incident it belongs to.</param>
/// <param name="Root">Whether it is its incident's root (the headline a person reads).</param>
/// <param name="Cause">For a root: the cause class of its incident.</param>
public sealed record AlertRecord(string Kind, string Layer, long Step, string Message, int Incident = 0, bool Root = false, string? Cause = null)
{
    public static AlertRecord From(Alert a, IReadOnlyList<Incident> incidents)
    {
        bool root = incidents.Any(i => ReferenceEquals(i.Root, a) || i.Root == a);
        return new(a.Kind.ToString(), a.Layer, a.Step, a.Message, a.Incident, root, root ? CauseTable.For(a).Class : null);
    }
}

/// <summary>What one population run did: its setup, fault, alerts and loss curve (one JSON line per run).</summary>
public sealed record RunRecord(
    string Set,
    int Seed,
    string Setup,
    string Family,
    int Every,
    int Steps,
    string? Fault,
    string? ExpectedKind,
    string? ExpectedLayer,
    string? Cause,
    bool Gradual,
    long Onset,
    IReadOnlyList<AlertRecord> Alerts,
    IReadOnlyList<double> Losses,
    double Seconds,
    string? Error,
    double Rate = 1)
{
    /// <summary>
    /// For runs without a fault: <c>healthy</c>, or broken by construction — <c>nan-from-start</c> (the loss is NaN
    /// within the first samples) or <c>not-learning</c> (its median over the last quarter is not 5 % below its first
    /// samples'), <c>diverged</c> (NaN or ∞ later); <c>crashed</c> when training threw.
    /// </summary>
    public string Class
    {
        get
        {
            if (Error is not null)
            {
                return "crashed";
            }

            if (Fault is not null)
            {
                return "faulted";
            }

            if (Losses.Take(3).Any(l => !double.IsFinite(l)))
            {
                return "nan-from-start";
            }

            var finite = Losses.Where(double.IsFinite).ToList();
            if (finite.Count < 4)
            {
                return "nan-from-start";
            }

            if (finite.Count < Losses.Count)
            {
                return "diverged";
            }

            double start = Median(finite.Take(3));
            double end = Median(finite.Skip(finite.Count * 3 / 4));
            return end < 0.95 * start ? "healthy" : "not-learning";
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
