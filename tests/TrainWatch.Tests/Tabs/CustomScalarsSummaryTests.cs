using TrainWatch.Protos;
using TrainWatch.Protos.Plugins.CustomScalar;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Tabs;

public sealed class CustomScalarsSummaryTests
{
    [Fact]
    public void A_layout_round_trips_as_a_scalar_string_tensor_under_the_config_tag()
    {
        var layout = new Layout
        {
            Category =
            {
                new Category
                {
                    Title = "Layers",
                    Chart = { CustomScalarsSummary.MultilineChart("gradient norms", @"grad_norm/.*"), CustomScalarsSummary.MultilineChart("two", "a$", "b$") },
                },
                new Category { Title = "Closed", Closed = true },
            },
        };
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddSummary(CustomScalarsSummary.Build(layout), step: 0);
        }

        var value = Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path))).Value;
        Assert.Equal("custom_scalars__config__", value.Tag);
        Assert.Equal("custom_scalars", value.Metadata.PluginData.PluginName);
        Assert.True(value.Metadata.PluginData.Content.IsEmpty);
        Assert.Equal(DataType.DtString, value.Tensor.Dtype);
        Assert.Empty(value.Tensor.TensorShape.Dim);

        var read = CustomScalarsSummary.Parse(value);
        Assert.Equal(layout, read);
        Assert.Equal(0, read.Version);
        Assert.Equal(["grad_norm/.*"], read.Category[0].Chart[0].Multiline.Tag);
        Assert.Equal(Chart.ContentOneofCase.Multiline, read.Category[0].Chart[1].ContentCase);
        Assert.True(read.Category[1].Closed);
    }
}
