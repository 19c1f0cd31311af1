using System.Text.RegularExpressions;
using TrainWatch.Protos.Plugins.CustomScalar;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;

namespace TrainWatch.TorchSharp.Features.CustomScalars;

/// <summary>
/// The Custom Scalars tab layout for the watcher's own tags: every layer's gradient norm, weight norm, update ratio,
/// zero fraction and dead units overlaid in one chart each (the Scalars tab draws one chart per layer), plus the training curves.
/// The regexes are built from <see cref="LayerTags"/> and <see cref="RunTags"/>, so they follow the tags the watcher writes.
/// </summary>
internal static class WatcherScalarsLayout
{
    public static Layout Build() => new()
    {
        Version = 0,
        Category =
        {
            new Category
            {
                Title = "Layers compared",
                Chart =
                {
                    CustomScalarsSummary.MultilineChart("gradient norm per layer", AllLayers(LayerTags.GradientStatisticPrefix(TensorStatistic.Norm))),
                    CustomScalarsSummary.MultilineChart("weight norm per layer", AllLayers(LayerTags.WeightStatisticPrefix(TensorStatistic.Norm))),
                    CustomScalarsSummary.MultilineChart("update ratio per layer (|Δw|/|w|)", AllLayers(LayerTags.UpdateRatioPrefix)),
                    CustomScalarsSummary.MultilineChart("zero fraction per layer", AllLayers(LayerTags.ActivationStatisticPrefix(TensorStatistic.ZeroFraction))),
                    CustomScalarsSummary.MultilineChart("dead units per layer", AllLayers(LayerTags.ActivationStatisticPrefix(TensorStatistic.DeadUnits))),
                },
            },
            new Category
            {
                Title = "Training",
                Chart =
                {
                    CustomScalarsSummary.MultilineChart("loss", Exactly(RunTags.Loss)),
                    CustomScalarsSummary.MultilineChart("global gradient norm", Exactly(RunTags.GlobalGradientNorm)),
                    CustomScalarsSummary.MultilineChart("learning rates", Regex.Escape(RunTags.LearningRateBase) + "(/.*)?$"),
                },
            },
        },
    };

    // "grad_norm/" → "grad_norm/.*": every layer of one statistic.
    private static string AllLayers(string prefix) => Regex.Escape(prefix) + ".*";

    private static string Exactly(string tag) => Regex.Escape(tag) + "$";
}
