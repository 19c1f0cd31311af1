using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Analysis;

public class HeadlineSelectionTests
{
    [Theory]
    [InlineData("eval/loss", true)]
    [InlineData("val/top5", true)]
    [InlineData("Validation/f1", true)]
    [InlineData("test/perplexity", true)]
    [InlineData("train/batch_accuracy", true)]
    [InlineData("Accuracy", true)]
    [InlineData("train/loss", false)]
    [InlineData("evaluation_seconds", false)]
    [InlineData("interval/loss", false)]
    public void Eval_metrics_are_held_out_prefixes_or_accuracies(string tag, bool expected)
    {
        Assert.Equal(expected, HeadlineSelection.IsEvalMetric(tag));
    }

    [Fact]
    public void Headlines_come_in_pulse_order_whatever_the_tags_sort_order()
    {
        var run = DashboardRuns.With(
            ("alerts/count", [0]),
            ("eval/loss", [0.9]),
            ("grad_norm/fc1.weight", [1]),
            ("train/grad_norm", [2]),
            ("train/loss", [1.5, 1.2]),
            ("train/lr", [0.1]),
            ("train/lr/head", [0.01]),
            ("train/steps_per_second", [40]),
            ("update_ratio/fc1.weight", [1e-3]));

        var headlines = HeadlineSelection.Select(run);

        Assert.Equal(["train/loss", "train/grad_norm", "train/lr", "train/lr/head", "train/steps_per_second", "eval/loss"], headlines.Select(h => h.Tag));
        Assert.Equal(["loss", "grad norm", "lr", "lr/head", "steps/s", "eval/loss"], headlines.Select(h => h.Label));
        Assert.Equal(1.2, headlines[0].Points[^1].Value);
    }

    [Fact]
    public void The_watchers_loss_wins_over_another_writers_and_an_eval_loss_is_never_the_loss()
    {
        var run = DashboardRuns.With(("eval/loss", [0.5]), ("loss", [3]), ("train/loss", [2]));

        var headlines = HeadlineSelection.Select(run);

        Assert.Equal(["train/loss", "eval/loss"], headlines.Select(h => h.Tag));
    }

    [Fact]
    public void At_most_eight_headlines_so_many_metrics_still_fit_a_screen()
    {
        var run = DashboardRuns.With([("train/loss", [1.0]), .. Enumerable.Range(0, 12).Select(i => ($"eval/metric{i:00}", new[] { 1.0 }))]);

        var headlines = HeadlineSelection.Select(run);

        Assert.Equal(HeadlineSelection.MaxHeadlines, headlines.Count);
        Assert.Equal("train/loss", headlines[0].Tag);
    }
}
