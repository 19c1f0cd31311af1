using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>The parameters a watcher measures, by name, and the learning rates of the optimizers that train them.</summary>
internal static class WatchedParameters
{
    /// <summary>
    /// The model's parameters that <see cref="WatchOptions.ParameterFilter"/> keeps. An empty parameter has no statistics;
    /// it is left out rather than failing every sample it would be part of.
    /// </summary>
    public static List<(string Name, Parameter Parameter)> Select(Module model, WatchOptions options) =>
        model.named_parameters()
            .Where(p => p.parameter.numel() > 0)
            .Where(p => options.ParameterFilter?.Invoke(p.name) ?? true)
            .Select(p => (p.name, p.parameter))
            .ToList();

    /// <summary>Every parameter group's learning rate, named only as far as needed to tell them apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<(string Name, double Value)> LearningRates(IReadOnlyList<global::TorchSharp.torch.optim.Optimizer> optimizers)
    {
        var rates = new List<(string, double)>();
        for (int o = 0; o < optimizers.Count; o++)
        {
            var groups = optimizers[o].ParamGroups.ToList();
            for (int g = 0; g < groups.Count; g++)
            {
                string name = (optimizers.Count, groups.Count) switch
                {
                    (1, 1) => "",
                    (1, _) => $"group{g}",
                    (_, 1) => $"optimizer{o}",
                    _ => $"optimizer{o}/group{g}",
                };
                rates.Add((name, groups[g].LearningRate));
            }
        }

        return rates;
    }
}
