using TrainWatch.RunFormat;

namespace TrainWatch.Tests.RunFormat;

/// <summary>An alert line as the watcher writes it, and read back.</summary>
public class AlertLineTests
{
    [Fact]
    public void Format_writes_step_layer_message_and_incident_as_one_markdown_line()
    {
        string line = AlertLine.Format(400, "layers.5.weight", "gradient norm 40× its recent max", 3);

        Assert.Equal("**step 400** · `layers.5.weight` · gradient norm 40× its recent max · incident 3  \n", line);
    }

    [Fact]
    public void Parse_reads_back_what_Format_wrote()
    {
        var parts = AlertLine.Parse(AlertLine.Format(120, "(global)", "global gradient norm 2E+04 is above the limit", 1).Trim());

        Assert.Equal(new AlertLineParts(120, "(global)", "global gradient norm 2E+04 is above the limit · incident 1"), parts);
    }

    [Theory]
    [InlineData("loss went up")]
    [InlineData("**step x** · `fc` · text")]
    [InlineData("step 5 · `fc` · text")]
    public void A_line_in_another_form_is_not_read_as_the_watchers(string line) => Assert.Null(AlertLine.Parse(line));

    [Fact]
    public void The_alert_tags_share_the_prefix_and_name_their_kind()
    {
        Assert.True(AlertTags.IsAlert(AlertTags.DeadUnits));
        Assert.Equal("dead_units", AlertTags.KindOf(AlertTags.DeadUnits));
        Assert.Null(AlertTags.KindOf(RunTags.Loss));
    }
}
