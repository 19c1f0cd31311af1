using Google.Protobuf;
using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch;

// The graph is not a summary: TensorBoard reads it from Event.graph_def, so it needs its own kind of event.
public sealed partial class SummaryWriter
{
    /// <summary>
    /// Writes a model graph for TensorBoard's Graphs tab (<c>Event.graph_def</c>). TensorBoard shows the last graph of a
    /// run, so write it once.
    /// </summary>
    public void AddGraph(GraphDef graph, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _main.Write(new Event { Step = step, WallTime = WallClock.Now(), GraphDef = graph.ToByteString() });
    }
}
