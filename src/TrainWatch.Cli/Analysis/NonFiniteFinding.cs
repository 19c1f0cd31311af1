namespace TrainWatch.Cli.Analysis;

/// <summary>Which part of the network a non-finite value was seen in.</summary>
internal enum TensorRole
{
    /// <summary>A parameter's weights.</summary>
    Weight,

    /// <summary>A module's output.</summary>
    Activation,

    /// <summary>A parameter's gradient.</summary>
    Gradient,

    /// <summary>A histogram tag not named by the watcher's conventions.</summary>
    Other,

    /// <summary>The loss or the global gradient norm: no layer.</summary>
    Training,
}

/// <summary>One sign of NaN/Inf at one step.</summary>
/// <param name="Step">The step.</param>
/// <param name="Role">Weights, activations, gradients...</param>
/// <param name="Layer">The parameter or module (null for the loss and the global norm).</param>
/// <param name="Ordinal">Where the tag first appears in the run (forward/parameter order proxy).</param>
/// <param name="Source">What showed it: the tag and how (<c>grad_nan_count/fc1.weight = 12</c>, <c>grads/fc1.weight stops</c>).</param>
internal sealed record NonFiniteSignal(long Step, TensorRole Role, string? Layer, int Ordinal, string Source);

/// <summary>A run that turned non-finite: the first step, the first layer, and every sign at that step.</summary>
/// <param name="Run">"A" or "B".</param>
/// <param name="Step">The first step with NaN or ±∞ anywhere.</param>
/// <param name="FirstLayer">The layer it started in (see <see cref="NonFiniteDetector"/>), or null when only the loss shows it.</param>
/// <param name="Signals">Every sign at that step, first layer first.</param>
internal sealed record NonFiniteFinding(string Run, long Step, string? FirstLayer, IReadOnlyList<NonFiniteSignal> Signals)
{
    /// <summary>One line for people.</summary>
    public string Describe()
    {
        var layers = Signals.Where(s => s.Layer is not null).Select(s => s.Layer!).Distinct().ToList();
        string where = FirstLayer is null ? "in the loss" : $"first in '{FirstLayer}'";
        string also = layers.Count > 1 ? $" ({layers.Count} layers at that step)" : string.Empty;
        return $"run {Run} turns non-finite (NaN/Inf) at step {Step}, {where}{also}: {string.Join("; ", Signals.Take(4).Select(s => s.Source))}{(Signals.Count > 4 ? "; ..." : string.Empty)}";
    }
}
