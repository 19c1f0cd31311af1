using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Tabs;

public sealed class GraphTabTests
{
    private static GraphDef ReadGraph(string run)
    {
        var events = Directory.GetFiles(run).Where(EventFileName.IsEventFile)
            .SelectMany(f => EventFileReader.ReadAll(f).Events).Select(e => e.Event).ToList();
        var graphEvent = Assert.Single(events, e => e.WhatCase == Event.WhatOneofCase.GraphDef);
        return GraphDef.Parser.ParseFrom(graphEvent.GraphDef);
    }

    [Fact]
    public void The_module_tree_is_written_once_with_nested_names_types_parameter_shapes_and_forward_edges()
    {
        using var dir = new TempDirectory();
        string run = Training.RunDirectory(dir, "graph");
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, run, every: 1, new WatchOptions { AlertsToConsole = false, Projector = null }))
        {
            Training.Run(model, optimizer, watch, steps: 3);
        }

        var graph = ReadGraph(run);
        string[] chain = ["input", "features/0", "features/1", "features/2", "features/3", "classifier/0", "classifier/1", "classifier/2", "classifier/3"];
        Assert.Equal(chain, graph.Node.Select(n => n.Name));
        Assert.Equal(["Input", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear"], graph.Node.Select(n => n.Op));
        for (int i = 1; i < chain.Length; i++)
        {
            Assert.Equal([chain[i - 1]], graph.Node[i].Input);
        }

        var conv = graph.Node[1].Attr;
        Assert.Equal([4L, 3, 3, 3], conv["weight_shape"].Shape.Dim.Select(d => d.Size));
        Assert.Equal([4L], conv["bias_shape"].Shape.Dim.Select(d => d.Size));
        Assert.Equal(4 * 3 * 3 * 3 + 4, conv["parameters"].I);
        Assert.Equal(0, graph.Node[3].Attr["parameters"].I);
        Assert.Equal([8L, 4, 8, 8], Assert.Single(conv["_output_shapes"].List.Shape).Dim.Select(d => d.Size));
        Assert.Equal([8L, 3, 8, 8], Assert.Single(graph.Node[0].Attr["_output_shapes"].List.Shape).Dim.Select(d => d.Size));
        Assert.Equal([8L, 3], Assert.Single(graph.Node[8].Attr["_output_shapes"].List.Shape).Dim.Select(d => d.Size));
    }

    [Fact]
    public void Without_any_step_the_graph_is_still_written_without_edges_and_it_can_be_turned_off()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false }))
        {
        }

        var graph = ReadGraph(dir.Path);
        Assert.Equal(8, graph.Node.Count);
        Assert.All(graph.Node, n => Assert.Empty(n.Input));

        string off = Path.Combine(dir.Path, "off");
        using (var watch = TrainWatcher.Attach(model, optimizer, off, every: 1, new WatchOptions { AlertsToConsole = false, Graph = false }))
        {
            Training.Run(model, optimizer, watch, steps: 1);
        }

        Assert.DoesNotContain(Directory.GetFiles(off).Where(EventFileName.IsEventFile).SelectMany(f => EventFileReader.ReadAll(f).Events),
            e => e.Event.WhatCase == Event.WhatOneofCase.GraphDef);
    }

    [Fact]
    public void Only_the_first_forward_pass_makes_edges_so_micro_batches_do_not_loop_back()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false, Projector = null }))
        {
            using var scope = NewDisposeScope();
            var generator = new Generator(3);
            for (int micro = 0; micro < 2; micro++)
            {
                var (x, y) = SmallCnn.Batch(4, generator);
                functional.cross_entropy(model.call(x), y).backward();
            }

            watch.Step();
        }

        var graph = ReadGraph(dir.Path);
        Assert.Equal(["input"], graph.Node.Single(n => n.Name == "features/0").Input);
    }

    [Fact]
    public void A_model_without_children_is_one_node_fed_by_the_input()
    {
        using var dir = new TempDirectory();
        using var model = Linear(4, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false }))
        {
            using var scope = NewDisposeScope();
            model.call(randn(3, 4)).sum().backward();
            watch.Step();
        }

        var graph = ReadGraph(dir.Path);
        Assert.Equal([("input", "Input"), ("Linear", "Linear")], graph.Node.Select(n => (n.Name, n.Op)));
        Assert.Equal(["input"], graph.Node[1].Input);
        Assert.Equal(10, graph.Node[1].Attr["parameters"].I);
    }
}
