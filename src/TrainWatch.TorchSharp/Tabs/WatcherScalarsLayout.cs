using System.Text.RegularExpressions;
using TrainWatch.Protos.Plugins.CustomScalar;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Reporting;

namespace TrainWatch.TorchSharp.Tabs;

/// <summary>
/// The Custom Scalars tab layout for the watcher's own tags: every layer's gradient norm, weight norm, update ratio,
/// zero fraction and dead units overlaid in one chart each (the Scalars tab draws one chart per layer), plus the training curves.
/// The regexes are built from <see cref="SummaryTags"/>, so they follow the tags the watcher writes.
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
                    CustomScalarsSummary.MultilineChart("gradient norm per layer", AllLayers(SummaryTags.GradientStatistic("norm", ""))),
                    CustomScalarsSummary.MultilineChart("weight norm per layer", AllLayers(SummaryTags.WeightStatistic("norm", ""))),
                    CustomScalarsSummary.MultilineChart("update ratio per layer (|Δw|/|w|)", AllLayers(SummaryTags.UpdateRatio(""))),
                    CustomScalarsSummary.MultilineChart("zero fraction per layer", AllLayers(SummaryTags.ActivationStatistic("zero_fraction", ""))),
                    CustomScalarsSummary.MultilineChart("dead units per layer", AllLayers(SummaryTags.ActivationStatistic("dead_units", ""))),
                },
            },
            new Category
            {
                Title = "Training",
                Chart =
                {
                    CustomScalarsSummary.MultilineChart("loss", Exactly(SummaryTags.Loss)),
                    CustomScalarsSummary.MultilineChart("global gradient norm", Exactly(SummaryTags.GlobalGradientNorm)),
                    CustomScalarsSummary.MultilineChart("learning rates", Regex.Escape(SummaryTags.LearningRate("")) + "(/.*)?$"),
                },
            },
        },
    };

    // "grad_norm/" → "grad_norm/.*": every layer of one statistic.
    private static string AllLayers(string prefix) => Regex.Escape(prefix) + ".*";

    private static string Exactly(string tag) => Regex.Escape(tag) + "$";
}
