using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Analysis;

public class AlertTextsTests
{
    [Fact]
    public void A_watcher_text_of_several_alerts_gives_one_alert_each_with_its_layer_newest_first()
    {
        var run = DashboardRuns.With()
            .WithText("alerts/dead_units", 10, DashboardRuns.WatcherAlert(10, "features.6", "features.6: 32 of 32 units are zero") + DashboardRuns.WatcherAlert(10, "features.7", "features.7: 30 of 32 units are zero"))
            .WithText("alerts/exploding_gradient", 30, DashboardRuns.WatcherAlert(30, "fc1.weight", "gradient norm 40× its recent max"))
            .WithText("notes", 40, "not an alert");

        var alerts = AlertTexts.Newest(run);

        Assert.Equal([30L, 10, 10], alerts.Select(a => a.Step));
        Assert.Equal(["fc1.weight", "features.6", "features.7"], alerts.Select(a => a.Layer));
        Assert.Equal("exploding_gradient", alerts[0].Kind);
        Assert.Equal("features.7: 30 of 32 units are zero", alerts[2].Message); // the rest of the line, its incident split off
        Assert.Equal(1, alerts[2].Incident);
    }

    [Fact]
    public void Another_writers_alert_text_is_one_alert_at_its_own_step_naming_no_layer()
    {
        var run = DashboardRuns.With().WithText("alerts/custom", 7, "loss is **NaN**");

        var alert = Assert.Single(AlertTexts.Newest(run));

        Assert.Equal(new DashboardAlert(7, "alerts/custom", null, "loss is **NaN**"), alert);
    }
}
