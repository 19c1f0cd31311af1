using System.Globalization;
using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.ModelSummaries;

/// <summary>
/// The <c>model/summary</c> text, decoded from the event file and compared with the model: every module in execution
/// order, output shapes from an independent forward pass, parameter counts from the module's own parameters.
/// </summary>
public sealed class ModelSummaryTests
{
    private sealed record Row(string Path, string Type, string Outputs, string Parameters, string Trainable);

    [Fact]
    public void The_summary_of_a_CNN_lists_every_module_in_order_with_real_shapes_and_parameter_counts()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        var conv = model.Features.named_children().Single(c => c.name == "0").module;
        foreach (var p in conv.parameters())
        {
            p.requires_grad = false; // a frozen layer
        }

        var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.05);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, Options()))
        {
            var generator = new Generator(3);
            for (int i = 0; i < 3; i++)
            {
                model.TrainStep(optimizer, watch, generator, batchSize: 8);
            }
        }

        var (rows, totals) = Read(dir.Path);

        // The expected shapes from running the children one by one on a batch of 8.
        var expected = new List<(string Path, Module Module, long[] Shape)>();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var (x, _) = SmallCnn.Batch(8, new Generator(1));
            foreach (var (prefix, sequential) in new[] { ("features", model.Features), ("classifier", model.Classifier) })
            {
                foreach (var (name, child) in sequential.named_children())
                {
                    x = ((Module<Tensor, Tensor>)child).call(x);
                    expected.Add(($"{prefix}.{name}", child, x.shape));
                }
            }
        }

        Assert.Equal(expected.Select(e => e.Path), rows.Select(r => r.Path));
        Assert.Equal(["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear"], rows.Select(r => r.Type));
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(Shape(expected[i].Shape), rows[i].Outputs);
            long own = expected[i].Module.parameters().Sum(p => p.numel());
            Assert.Equal(own.ToString("N0", CultureInfo.InvariantCulture), rows[i].Parameters);
            Assert.Equal(own == 0 ? "" : expected[i].Path == "features.0" ? "no (frozen)" : "yes", rows[i].Trainable);
        }

        long total = model.parameters().Sum(p => p.numel());
        long frozen = conv.parameters().Sum(p => p.numel());
        Assert.Equal(4 * 3 * 3 * 3 + 4, frozen);
        Assert.Equal($"**{total:N0} parameters**: {total - frozen:N0} trainable, {frozen:N0} frozen. Input [8, 3, 8, 8], step 0.", totals);
    }

    [Fact]
    public void The_summary_of_a_GRU_model_names_each_tuple_output_with_its_shape()
    {
        using var dir = new TempDirectory();
        using var model = new GruClassifier();
        var optimizer = optim.Adam(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, Options()))
        {
            var generator = new Generator(2);
            using var scope = NewDisposeScope();
            var (x, y) = model.Batch(5, generator);
            optimizer.zero_grad();
            model.Loss(model.call(x), y).backward();
            watch.Step();
            optimizer.step();
        }

        var (rows, totals) = Read(dir.Path);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);

        // The shapes from an independent pass through the same modules.
        string proj, act, gru, head;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var (x, _) = model.Batch(5, new Generator(2));
            var p = ((Module<Tensor, Tensor>)modules["encoder.proj"]).call(x);
            var a = ((Module<Tensor, Tensor>)modules["encoder.act"]).call(p);
            var (output, hN) = ((global::TorchSharp.Modules.GRU)modules["encoder.gru"]).call(a, null);
            var logits = ((Module<Tensor, Tensor>)modules["head"]).call(output.select(1, GruClassifier.Steps - 1));
            (proj, act, gru, head) = (Shape(p.shape), Shape(a.shape), $"output {Shape(output.shape)}<br>h_n {Shape(hN.shape)}", Shape(logits.shape));
        }

        Assert.Equal(["encoder.proj", "encoder.act", "encoder.gru", "head"], rows.Select(r => r.Path));
        Assert.Equal(["Linear", "ReLU", "GRU", "Linear"], rows.Select(r => r.Type));
        Assert.Equal([proj, act, gru, head], rows.Select(r => r.Outputs));
        Assert.Equal("output [5, 6, 16]<br>h_n [1, 5, 16]", gru);
        Assert.Equal(
            new[] { "encoder.proj", "encoder.act", "encoder.gru", "head" }.Select(path => modules[path].parameters().Sum(p => p.numel()).ToString("N0", CultureInfo.InvariantCulture)),
            rows.Select(r => r.Parameters));
        Assert.Equal("1,632", rows[2].Parameters); // 3 gates × (16×16 input + 16×16 hidden + 2 × 16 biases)
        long total = model.parameters().Sum(p => p.numel());
        Assert.StartsWith($"**{total:N0} parameters**: {total:N0} trainable, 0 frozen. Input [5, 6, 8]", totals);
    }

    [Fact]
    public void The_summary_is_written_once_and_can_be_turned_off()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        var optimizer = optim.SGD(model.parameters(), 0.05);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, Options()))
        {
            var generator = new Generator(3);
            for (int i = 0; i < 3; i++)
            {
                model.TrainStep(optimizer, watch, generator);
            }
        }

        Assert.Single(RunReader.Values(dir.Path), v => v.Value.Tag == "model/summary");

        using var off = new TempDirectory();
        using (var watch = TrainWatcher.Attach(model, [optimizer], off.Path, Options() with { ModelSummary = false }))
        {
            model.TrainStep(optimizer, watch, new Generator(3));
        }

        Assert.DoesNotContain(RunReader.Values(off.Path), v => v.Value.Tag == "model/summary");
    }

    private static WatchOptions Options() => new()
    {
        Every = 1,
        AlertsToConsole = false,
        Logger = new ListLogger(),
        Pictures = null,
        Projector = null,
        History = null,
    };

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    // Decodes the text value and splits its markdown table into rows, plus the totals line.
    private static (List<Row> Rows, string Totals) Read(string runDirectory)
    {
        var value = Assert.Single(RunReader.Values(runDirectory), v => v.Value.Tag == "model/summary").Value;
        Assert.Equal("text", value.Metadata.PluginData.PluginName);
        string markdown = Assert.Single(value.Tensor.StringVal).ToStringUtf8();
        var lines = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| # | module | type | output shape | parameters | trainable |", lines[0]);
        var rows = new List<Row>();
        foreach (string line in lines.Skip(2).TakeWhile(l => l.StartsWith('|')))
        {
            string[] cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            Assert.Equal((rows.Count + 1).ToString(CultureInfo.InvariantCulture), cells[0]);
            rows.Add(new Row(cells[1].Trim('`'), cells[2], cells[3], cells[4], cells[5]));
        }

        return (rows, lines[^1]);
    }
}
