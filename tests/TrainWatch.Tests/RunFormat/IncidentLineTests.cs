using TrainWatch.RunFormat;

namespace TrainWatch.Tests.RunFormat;

/// <summary>An incident's line as the watcher writes it, read back; and the incident number split off an alert line.</summary>
public class IncidentLineTests
{
    [Fact]
    public void Parse_reads_back_what_Format_wrote_even_with_the_separator_inside_the_cause()
    {
        string line = IncidentLine.Format(2, 410, "blocks.2.fc.weight", "exploding_gradient", "exploding-layer",
            "one layer's gradient is blowing up · fast", "clip gradients, and check that layer's initialisation and scale");

        Assert.Equal("**incident 2** · step 410 · `blocks.2.fc.weight` · exploding_gradient · exploding-layer: one layer's gradient is blowing up · fast · try: clip gradients, and check that layer's initialisation and scale  \n", line);
        Assert.Equal(
            new IncidentLineParts(2, 410, "blocks.2.fc.weight", "exploding_gradient", "exploding-layer", "one layer's gradient is blowing up · fast", "clip gradients, and check that layer's initialisation and scale"),
            IncidentLine.Parse(line));
    }

    [Theory]
    [InlineData("**step 5** · `fc` · text · incident 1")]
    [InlineData("**incident x** · step 5 · `fc` · dead_units · dead-relu: c · try: t")]
    [InlineData("incident 1 went wrong")]
    public void Other_lines_are_not_incidents(string line) => Assert.Null(IncidentLine.Parse(line));

    [Fact]
    public void The_incident_number_is_split_off_an_alert_s_text()
    {
        var parts = AlertLine.Parse(AlertLine.Format(120, "fc", "12 of 16 units dead · incident count 3", 7).Trim())!;

        Assert.Equal(("12 of 16 units dead · incident count 3", (int?)7), AlertLine.SplitIncident(parts.Text));
        Assert.Equal(("a line from another writer", (int?)null), AlertLine.SplitIncident("a line from another writer"));
    }

    [Fact]
    public void The_incidents_text_and_the_count_are_alert_tags_but_no_alert_kind()
    {
        Assert.True(AlertTags.IsAlert(AlertTags.Incidents));
        Assert.False(AlertTags.IsAlertKind(AlertTags.Incidents));
        Assert.False(AlertTags.IsAlertKind(AlertTags.Count));
        Assert.True(AlertTags.IsAlertKind(AlertTags.ExplodingGradient));
    }
}
