using System.Globalization;
using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Recording;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Names where NaN/±∞ started on a sample step, from the order the training forward pass ran in (later modules only
/// inherit it): the input batch; else the earliest of a module's own weights (at the module's start) and a module's
/// output (at its finish); else the loss; else, when only gradients are bad, the gradient nearest the loss (backward
/// runs in reverse).
/// </summary>
internal static class NonFiniteOrigin
{
    /// <summary>Where and what, or null when everything on this step is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (string Layer, double Count, string Message)? Find(SampleData sample, ForwardRecording? order)
    {
        // Every sample is examined and nearly every one is finite: that is settled without building anything.
        if (AllFinite(sample))
        {
            return null;
        }

        var badOutputs = sample.Activations.Where(a => a.Output.HasNonFinite).ToList();
        var badWeights = sample.Parameters.Where(p => p.Weight.HasNonFinite).ToList();
        var badGradients = sample.Parameters.Where(p => p.Gradient is { HasNonFinite: true }).ToList();
        bool badLoss = sample.Loss is { } loss && !double.IsFinite(loss);
        string step = sample.Step.ToString(CultureInfo.InvariantCulture);

        double inputBad = sample.InputNaNCount + sample.InputInfCount;
        if (inputBad > 0)
        {
            return ("input", inputBad, Invariant($"first NaN/Inf at step {step} in the input batch: {Counts(sample.InputNaNCount, sample.InputInfCount)}{Downstream(badOutputs, null)}"));
        }

        // Earliest on the forward clock; modules that were not recorded sort after all recorded ones, in model order.
        var weightCandidate = badWeights
            .Select((p, i) => (Parameter: p, Owner: OwnerOf(p.Name, order), Index: i))
            .Select(c => (c.Parameter, c.Owner, c.Index, Time: order?.StartTime(c.Owner) ?? int.MaxValue))
            .OrderBy(c => c.Time).ThenBy(c => c.Index)
            .FirstOrDefault();
        var outputCandidate = badOutputs.FirstOrDefault();
        int outputTime = outputCandidate is not null ? order?.FinishTime(outputCandidate.ModulePath) ?? int.MaxValue : int.MaxValue;

        if (badWeights.Count > 0 && (outputCandidate is null || weightCandidate.Time <= outputTime))
        {
            var (parameter, owner, _, _) = weightCandidate;
            string ownName = parameter.Name.Length > owner.Length && owner.Length > 0 ? parameter.Name[(owner.Length + 1)..] : parameter.Name;
            string module = ForwardRecorder.MeasuredName(owner);
            int others = badWeights.Count - 1;
            return (module, parameter.Weight.NaNCount + parameter.Weight.InfCount, Invariant(
                $"first NaN/Inf at step {step} in {module}: {Counts(parameter.Weight.NaNCount, parameter.Weight.InfCount)} in its {ownName} (of {parameter.Weight.Numel}){Downstream(badOutputs, owner)}{(others > 0 ? Invariant($"; {others} more parameter(s) hold NaN/Inf") : "")}"));
        }

        if (outputCandidate is not null)
        {
            string module = outputCandidate.Name;
            var stats = outputCandidate.Output;
            return (outputCandidate.ModulePath.Length == 0 ? ForwardRecorder.ModelName : outputCandidate.ModulePath, stats.NaNCount + stats.InfCount, Invariant(
                $"first NaN/Inf at step {step} in the output of {module}: {Counts(stats.NaNCount, stats.InfCount)} of {stats.Numel}, from finite inputs and weights{Downstream(badOutputs.Skip(1).ToList(), outputCandidate.ModulePath, includeOwn: false)}"));
        }

        if (badLoss)
        {
            return ("loss", 1, Invariant($"first NaN/Inf at step {step}: the loss is {sample.Loss} while the model's outputs are finite (the loss function produced it)"));
        }

        if (badGradients.Count > 0)
        {
            // Backward runs from the loss towards the input: the bad gradient nearest the loss came first.
            var last = badGradients
                .Select((p, i) => (Parameter: p, Index: i, Time: order?.StartTime(OwnerOf(p.Name, order)) ?? -1))
                .OrderByDescending(c => c.Time).ThenByDescending(c => c.Index)
                .First().Parameter;
            var g = last.Gradient!;
            return (last.Name, g.NaNCount + g.InfCount, Invariant(
                $"first NaN/Inf at step {step} in the gradient of {last.Name}: {Counts(g.NaNCount, g.InfCount)} of {g.Numel}, nearest the loss in backward order; the loss, weights and outputs are finite{(badGradients.Count > 1 ? Invariant($" ({badGradients.Count - 1} more gradient(s) hold NaN/Inf)") : "")}"));
        }

        return null;
    }

    // Exactly the conditions Find looks at below: none of them holds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllFinite(SampleData sample)
    {
        if (sample.InputNaNCount + sample.InputInfCount > 0 || (sample.Loss is { } loss && !double.IsFinite(loss)))
        {
            return false;
        }

        foreach (var a in sample.Activations)
        {
            if (a.Output.HasNonFinite)
            {
                return false;
            }
        }

        foreach (var p in sample.Parameters)
        {
            if (p.Weight.HasNonFinite || p.Gradient is { HasNonFinite: true })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The module that owns a parameter: its path up to the last dot, or the nearest ancestor that ran.</summary>
    public static string OwnerOf(string parameterName, ForwardRecording? order)
    {
        string owner = parameterName.LastIndexOf('.') is int dot and >= 0 ? parameterName[..dot] : "";
        while (order is not null && owner.Length > 0 && order.StartTime(owner) is null)
        {
            owner = owner.LastIndexOf('.') is int up and >= 0 ? owner[..up] : "";
        }

        return owner;
    }

    private static string Downstream(IReadOnlyList<ActivationSample> badOutputs, string? module, bool includeOwn = true)
    {
        bool own = includeOwn && module is not null && badOutputs.Any(a => a.ModulePath == module);
        int later = badOutputs.Select(a => a.ModulePath).Where(p => p != module).Distinct().Count();
        return (own, later) switch
        {
            (true, > 0) => Invariant($"; its output and {later} later module(s) are NaN/Inf"),
            (true, _) => "; its output is NaN/Inf",
            (false, > 0) => Invariant($"; {later} module output(s) are NaN/Inf"),
            _ => "",
        };
    }

    private static string Counts(double nan, double inf) => (nan, inf) switch
    {
        (double.NaN, _) or (_, double.NaN) => "NaN or ±∞ (not counted: the tensor was gone before a recount)",
        (> 0, > 0) => Invariant($"{nan} NaN, {inf} Inf"),
        (> 0, _) => Invariant($"{nan} NaN"),
        _ => Invariant($"{inf} Inf"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
