using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Features.CustomScalars;
using TrainWatch.TorchSharp.Features.Graph;
using TrainWatch.TorchSharp.Features.HParams;
using TrainWatch.TorchSharp.Features.Projector;

namespace TrainWatch.TorchSharp.Features;

/// <summary>
/// The TensorBoard tabs beyond Scalars/Histograms that the watcher fills without user code: Graphs (module tree),
/// Custom Scalars (layers compared), Projector (penultimate features of a probe batch), and HParams (when
/// hyper-parameters are given).
/// </summary>
internal static class TensorBoardTabs
{
    public static IEnumerable<IWatchExtension> Create(WatchContext context, Func<long> currentStep)
    {
        var options = context.Options;
        var extensions = new List<IWatchExtension>();
        if (options.Graph)
        {
            extensions.Add(new GraphExtension(context));
        }

        if (options.CustomScalars)
        {
            context.Writer.AddSummary(CustomScalarsSummary.Build(WatcherScalarsLayout.Build()), step: 0);
        }

        if (options.Projector is { } projector)
        {
            extensions.Add(new ProjectorExtension(context, projector));
        }

        var session = new HParamsSession(context, currentStep);
        extensions.Add(session);
        if (options.HParams is { } hparams)
        {
            session.Log(hparams, finalMetrics: null);
        }

        return extensions;
    }
}
