using Microsoft.Extensions.Logging;
using TrainWatch.RunFormat;

namespace TrainWatch.TorchSharp.Features;

/// <summary>
/// What is on and off in a run, and why: the one start-up line at Attach, and the features that stood down because
/// they do not apply to the model, each written once to the run's text tab (<c>trainwatch/features/&lt;feature&gt;</c>).
/// </summary>
/// <remarks>
/// Why not warnings: a warning is something the user must act on. An autoencoder has no classes for saliency to
/// explain and a U-Net no Linear layer to project; nothing is wrong, so the terminal stays quiet and the run says it.
/// </remarks>
internal static class FeatureNotes
{
    /// <summary>Notes that <paramref name="feature"/> is off for this model (text tag <c>trainwatch/features/&lt;key&gt;</c>).</summary>
    /// <param name="context">The run.</param>
    /// <param name="step">The step the note is written at (the one where the feature found it does not apply).</param>
    /// <param name="key">A short tag-safe name (<c>saliency</c>, <c>projector</c>).</param>
    /// <param name="feature">The feature's name as the user knows it.</param>
    /// <param name="reason">Why it does not apply, in words the user can check.</param>
    public static void StandDown(WatchContext context, long step, string key, string feature, string reason) =>
        context.Writer.AddText(RunTags.FeatureNote(key), $"**{feature}**: off for this model, because {reason}. Nothing to fix.", step);

    /// <summary>
    /// The start-up line: where the run goes, what is sampled how often, which extra tabs are on or off. Logged at
    /// Information through <see cref="WatchOptions.Logger"/>, else printed to standard error.
    /// </summary>
    public static void Announce(WatchContext context)
    {
        string line = StartupLine(context.Options, context.Writer.LogDirectory);
        if (context.Options.Logger is { } logger)
        {
            logger.LogInformation("{Line}", line);
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }

    /// <summary>The text of the start-up line.</summary>
    public static string StartupLine(WatchOptions options, string runDirectory)
    {
        var on = new List<string> { $"statistics every {options.Every} steps" };
        var off = new List<string>();
        Add(options.Pictures is not null, () => $"pictures every {options.Pictures!.EverySteps} steps and at the end", "pictures");
        Add(options.History is not null, () => "distribution histories", "distribution histories");
        Add(options.Projector is not null, () => $"projector every {options.Projector!.EverySteps} steps", "projector");
        string offText = off.Count == 0 ? "" : $"; off by option: {string.Join(", ", off)}";
        return $"TrainWatch: writing {runDirectory} ({string.Join(", ", on)}{offText}); features that do not fit the model "
            + $"stand down quietly (text tab {RunTags.FeatureNotes}). View: tensorboard --logdir {runDirectory}";

        void Add(bool enabled, Func<string> onText, string name)
        {
            if (enabled)
            {
                on.Add(onText());
            }
            else
            {
                off.Add(name);
            }
        }
    }
}
