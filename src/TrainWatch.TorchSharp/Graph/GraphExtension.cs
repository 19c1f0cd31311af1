using TrainWatch.Graph;

namespace TrainWatch.TorchSharp.Graph;

/// <summary>
/// Writes the model graph once: hooks trace the first sampled forward pass (step 0, armed at attach), and the graph is
/// written at the end of that sample step. If training ends before any sample, the graph is written without edges.
/// </summary>
internal sealed class GraphExtension : IWatchExtension
{
    private readonly WatchContext _context;
    private readonly ForwardTrace _trace;
    private bool _written;

    public GraphExtension(WatchContext context)
    {
        _context = context;
        _trace = new ForwardTrace(context.Model, ModuleGraph.HookableLeaves(context.Model));
        _trace.Arm();
    }

    public void BeforeSampledForward(long step, long sampleIndex)
    {
    }

    public void OnSampleStep(long step, long sampleIndex) => Write(step);

    public void Dispose()
    {
        try
        {
            Write(0);
        }
        finally
        {
            _trace.Dispose();
        }
    }

    private void Write(long step)
    {
        if (_written)
        {
            return;
        }

        _written = true;
        _trace.Disarm();
        var nodes = ModuleGraph.Describe(_context.Model, _trace);
        _context.Writer.AddGraph(GraphDefBuilder.Build(nodes), step);
    }
}
