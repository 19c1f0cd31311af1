using TrainWatch.Events;
using TrainWatch.Graph;
using TrainWatch.Protos;

namespace TrainWatch.TorchSharp.Tests.Tabs;

public sealed class GraphDefBuilderTests
{
    private static readonly GraphNode[] s_chain =
    [
        new("input", "Input") { OutputShapes = [[8, 3, 28, 28]] },
        new("features/0", "Conv2d")
        {
            Inputs = ["input"],
            Attributes = new Dictionary<string, GraphAttribute>
            {
                ["weight_shape"] = GraphAttribute.Shape([4, 3, 3, 3]),
                ["parameters"] = GraphAttribute.Int(112),
                ["padding"] = GraphAttribute.Ints([1, 1]),
                ["note"] = GraphAttribute.Text("first layer"),
            },
            OutputShapes = [[8, 4, 28, 28]],
        },
        new("features/1", "ReLU") { Inputs = ["features/0"] },
    ];

    [Fact]
    public void A_graph_written_as_graph_def_round_trips_with_names_ops_inputs_and_attributes()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddGraph(GraphDefBuilder.Build(s_chain));
        }

        var contents = EventFileReader.ReadAll(Assert.Single(Directory.GetFiles(dir.Path), EventFileName.IsEventFile));
        Assert.Equal(EventFileState.Intact, contents.State);
        var graphEvent = Assert.Single(contents.Events.Select(e => e.Event), e => e.WhatCase == Event.WhatOneofCase.GraphDef);
        var graph = GraphDef.Parser.ParseFrom(graphEvent.GraphDef);

        Assert.Equal(["input", "features/0", "features/1"], graph.Node.Select(n => n.Name));
        Assert.Equal(["Input", "Conv2d", "ReLU"], graph.Node.Select(n => n.Op));
        Assert.Equal(["input"], graph.Node[1].Input);
        Assert.Equal(["features/0"], graph.Node[2].Input);
        Assert.Equal(21, graph.Versions.Producer); // TensorFlow 1.x-era graphs: what every TensorBoard reads

        var conv = graph.Node[1].Attr;
        Assert.Equal([4L, 3, 3, 3], conv["weight_shape"].Shape.Dim.Select(d => d.Size));
        Assert.Equal(112, conv["parameters"].I);
        Assert.Equal([1L, 1], conv["padding"].List.I);
        Assert.Equal("first layer", conv["note"].S.ToStringUtf8());
        Assert.Equal([8L, 4, 28, 28], Assert.Single(conv[GraphDefBuilder.OutputShapesKey].List.Shape).Dim.Select(d => d.Size));
        Assert.False(graph.Node[2].Attr.ContainsKey(GraphDefBuilder.OutputShapesKey));
    }

    [Fact]
    public void Names_and_attribute_keys_are_made_legal_for_tensorboard_consistently_in_inputs()
    {
        var graph = GraphDefBuilder.Build(
        [
            new("_blocks/a b", "Block") { Attributes = new Dictionary<string, GraphAttribute> { ["Weight.Shape"] = GraphAttribute.Int(1) } },
            new("head", "Linear") { Inputs = ["_blocks/a b"] },
        ]);

        Assert.Equal("n_blocks/a_b", graph.Node[0].Name);
        Assert.Equal(["n_blocks/a_b"], graph.Node[1].Input);
        Assert.Equal(["weight_shape"], graph.Node[0].Attr.Keys);
    }

    [Fact]
    public void An_input_that_names_no_node_and_duplicate_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => GraphDefBuilder.Build([new GraphNode("a", "X") { Inputs = ["missing"] }]));
        Assert.Throws<ArgumentException>(() => GraphDefBuilder.Build([new GraphNode("a b", "X"), new GraphNode("a_b", "Y")]));
    }
}
