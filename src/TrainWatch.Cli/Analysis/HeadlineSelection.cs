using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Picks a run's headline scalars — its pulse — from its tags, in this order:
/// <list type="number">
/// <item>loss: <c>train/loss</c> (the watcher's), else the first tag named <c>loss</c> or ending in <c>/loss</c>;</item>
/// <item>gradient norm: <c>train/grad_norm</c> or <c>grad_norm</c> (all gradients together, not a layer's);</item>
/// <item>learning rates: <c>train/lr</c>, <c>train/lr/&lt;group&gt;</c>, or tags named or ending in <c>lr</c> / <c>learning_rate</c>;</item>
/// <item>steps/s: <c>train/steps_per_second</c> or a tag ending in <c>steps_per_second</c>;</item>
/// <item>eval metrics, by tag: see <see cref="IsEvalMetric"/>.</item>
/// </list>
/// A tag is judged as an eval metric first, so <c>eval/loss</c> is an eval metric, not the loss. At most
/// <see cref="MaxHeadlines"/> are kept, in that order, so a run with many parameter groups or metrics still fits a screen.
/// </summary>
internal static class HeadlineSelection
{
    /// <summary>The most headline rows per run.</summary>
    public const int MaxHeadlines = 8;

    // First path segments of held-out data, as training scripts name them (TensorBoard users write val/ and eval/ alike).
    private static readonly HashSet<string> s_evalPrefixes = new(StringComparer.OrdinalIgnoreCase) { "eval", "val", "valid", "validation", "test" };

    /// <summary>The run's headline scalars, in dashboard order.</summary>
    public static IReadOnlyList<HeadlineScalar> Select(RunData run)
    {
        var found = new List<HeadlineScalar>();
        foreach (var (tag, points) in run.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (points.Count > 0 && Classify(tag) is { } kind)
            {
                found.Add(new HeadlineScalar(kind, Label(kind, tag), tag, points));
            }
        }

        // A writer that logs both train/loss and a plain loss: the watcher's own tag is the loss, the other is dropped.
        var loss = found.Where(h => h.Kind == HeadlineKind.Loss).OrderBy(h => h.Tag == RunTags.Loss ? 0 : 1).Take(1);
        var gradientNorm = found.Where(h => h.Kind == HeadlineKind.GradientNorm).OrderBy(h => h.Tag == RunTags.GlobalGradientNorm ? 0 : 1).Take(1);
        return loss.Concat(gradientNorm)
            .Concat(found.Where(h => h.Kind is HeadlineKind.LearningRate or HeadlineKind.StepsPerSecond or HeadlineKind.EvalMetric).OrderBy(h => h.Kind))
            .Take(MaxHeadlines)
            .ToList();
    }

    /// <summary>
    /// Whether <paramref name="tag"/> is an eval metric: its first path segment is <c>eval</c>, <c>val</c>, <c>valid</c>,
    /// <c>validation</c> or <c>test</c> (any case), or it contains <c>accuracy</c> (any case, so a training batch's
    /// accuracy shows too: it is the metric people watch).
    /// </summary>
    public static bool IsEvalMetric(string tag)
    {
        int slash = tag.IndexOf('/', StringComparison.Ordinal);
        return (slash > 0 && s_evalPrefixes.Contains(tag[..slash])) || tag.Contains("accuracy", StringComparison.OrdinalIgnoreCase);
    }

    private static HeadlineKind? Classify(string tag)
    {
        if (IsEvalMetric(tag))
        {
            return HeadlineKind.EvalMetric;
        }

        string name = tag[(tag.LastIndexOf('/') + 1)..];
        return tag switch
        {
            _ when name == "loss" => HeadlineKind.Loss,
            RunTags.GlobalGradientNorm or "grad_norm" => HeadlineKind.GradientNorm,
            _ when RunTags.LearningRateGroup(tag) is { Length: > 0 } || name is "lr" or "learning_rate" => HeadlineKind.LearningRate,
            _ when name == "steps_per_second" => HeadlineKind.StepsPerSecond,
            _ => null,
        };
    }

    private static string Label(HeadlineKind kind, string tag) => kind switch
    {
        HeadlineKind.Loss => "loss",
        HeadlineKind.GradientNorm => "grad norm",
        HeadlineKind.StepsPerSecond => "steps/s",
        HeadlineKind.LearningRate when RunTags.LearningRateGroup(tag) is { Length: > 0 } group => "lr/" + group,
        HeadlineKind.LearningRate => "lr",
        _ => tag.StartsWith(RunTags.TrainPrefix, StringComparison.Ordinal) ? tag[RunTags.TrainPrefix.Length..] : tag,
    };
}
