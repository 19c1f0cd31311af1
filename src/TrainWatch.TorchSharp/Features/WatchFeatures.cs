namespace TrainWatch.TorchSharp.Features;

/// <summary>
/// Every feature beyond statistics and alerts, one line each: the only place that knows them by type. The watcher
/// holds them as <see cref="IWatchExtension"/>s; a feature turned off by its options contributes nothing.
/// </summary>
internal static class WatchFeatures
{
    /// <summary>
    /// The features for <paramref name="context"/>, in the order they see each sample. Lazy, one at a time: when one
    /// fails to start, those before it are already in the caller's list, and Attach's rollback disposes them.
    /// </summary>
    /// <param name="context">What a feature may use.</param>
    /// <param name="currentStep">The step the watcher is at (for calls made between steps, such as LogHParams).</param>
    public static IEnumerable<IWatchExtension> Create(WatchContext context, Func<long> currentStep)
    {
        IEnumerable<Func<IEnumerable<IWatchExtension>>> factories =
        [
            () => TensorBoardTabs.Create(context, currentStep), // Graphs, Custom Scalars, Projector, HParams
            () => Pictures.PictureExtension.For(context),
            () => History.HistoryExtension.For(context),
            () => ModelSummaries.ModelSummaryExtension.For(context),
        ];
        foreach (var factory in factories)
        {
            foreach (var extension in factory())
            {
                yield return extension;
            }
        }
    }
}
