using System.Runtime.CompilerServices;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;

namespace TrainWatch.TorchSharp.Features.ModelSummaries;

/// <summary>
/// Writes the model summary (<c>model/summary</c>) once, on the first sampled step with a recorded training forward
/// pass. The table is read from module metadata (no tensor data); the markdown is formatted by the deferred builder
/// the writer runs, which for the watcher is the training thread too (docs/reliability.md).
/// </summary>
internal sealed class ModelSummaryExtension(WatchContext context) : IWatchExtension
{
    private bool _written;

    /// <summary>The extension, or none when <see cref="WatchOptions.ModelSummary"/> is off.</summary>
    public static IEnumerable<IWatchExtension> For(WatchContext context) =>
        context.Options.ModelSummary ? [new ModelSummaryExtension(context)] : [];

    public void BeforeSampledForward(long step, long sampleIndex)
    {
        // Nothing to arm: the forward recorder records every sampled step.
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnSample(SampleStep sample)
    {
        long step = sample.Step;
        if (_written || context.LastRecording is not { } recording || recording.Step != step || recording.Calls.Count == 0)
        {
            return;
        }

        _written = true;
        var table = ModelSummaryTable.From(context.Model, recording);
        context.Writer.AddDeferred(step, () => TextSummary.Build(RunTags.ModelSummary, ModelSummaryText.Format(table.ToSummary())), 128L * (table.Rows.Count + 1));
    }

    public void Dispose()
    {
    }
}
