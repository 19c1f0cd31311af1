using System.Runtime.CompilerServices;
using TrainWatch.Graph;

namespace TrainWatch.TorchSharp.Features.Graph;

/// <summary>
/// Writes the model graph once, at the end of the first sample step, from the forward recorder's record of that
/// step's training forward pass. If training ends before any sample, the graph is written without edges.
/// </summary>
internal sealed class GraphExtension : IWatchExtension
{
    private readonly WatchContext _context;
    private bool _written;

    public GraphExtension(WatchContext context)
    {
        _context = context;
    }

    public void BeforeSampledForward(long step, long sampleIndex)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnSample(SampleStep sample) => Write(sample.Step);

    public void Dispose() => Write(0);

    private void Write(long step)
    {
        if (_written)
        {
            return;
        }

        _written = true;
        var nodes = ModuleGraph.Describe(_context.Model, _context.LastRecording);
        _context.Writer.AddGraph(GraphDefBuilder.Build(nodes), step);
    }
}
