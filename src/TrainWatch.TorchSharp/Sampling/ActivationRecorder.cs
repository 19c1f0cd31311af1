using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Forward hooks that exist only while a sampled step runs: <see cref="Arm"/> registers them before the step's forward
/// pass, <see cref="Disarm"/> removes them after it, so unsampled steps pay nothing. Each hook reduces the module's
/// output to a statistics row on the device and keeps only that row.
/// </summary>
/// <remarks>
/// TorchSharp runs hooks only when a module is invoked through <c>call()</c>; a parent whose forward calls
/// <c>child.forward(x)</c> bypasses them. <see cref="TakeSilentModules"/> names the modules whose hook never fired so
/// the user can be told once.
/// </remarks>
internal sealed class ActivationRecorder : IDisposable
{
    private readonly IReadOnlyList<(string Name, Module<Tensor, Tensor> Module)> _modules;
    private readonly int _bins;
    private readonly long _sampleLimit;
    private readonly List<Module<Tensor, Tensor>.HookRemover> _hooks = [];
    private readonly Dictionary<string, RecordedActivation> _rows = new(StringComparer.Ordinal);
    private readonly HashSet<string> _everFired = new(StringComparer.Ordinal);
    private bool _silentReported;

    /// <param name="modules">The modules to watch, in the model's order.</param>
    /// <param name="bins">Histogram buckets.</param>
    /// <param name="sampleLimit">Batch entries the distribution statistics use (0: all); dead units always use all.</param>
    public ActivationRecorder(IReadOnlyList<(string Name, Module<Tensor, Tensor> Module)> modules, int bins, long sampleLimit)
    {
        _modules = modules;
        _bins = bins;
        _sampleLimit = sampleLimit;
    }

    public bool IsArmed => _hooks.Count > 0;

    /// <summary>Registers the hooks for the coming forward pass.</summary>
    public void Arm()
    {
        if (IsArmed)
        {
            return;
        }

        foreach (var (name, module) in _modules)
        {
            string moduleName = name;
            _hooks.Add(module.register_forward_hook((_, _, output) =>
            {
                Record(moduleName, output);
                return null!; // keep the module's output unchanged
            }));
        }
    }

    /// <summary>Removes the hooks.</summary>
    public void Disarm()
    {
        foreach (var hook in _hooks)
        {
            hook.remove();
        }

        _hooks.Clear();
    }

    /// <summary>
    /// Hands over the rows recorded since <see cref="Arm"/>, in module order (the caller disposes them), and forgets them.
    /// </summary>
    public List<RecordedActivation> TakeRows()
    {
        var rows = _modules.Where(m => _rows.ContainsKey(m.Name)).Select(m => _rows[m.Name]).ToList();
        _rows.Clear();
        return rows;
    }

    /// <summary>Once, after the first sampled step: the modules whose hook never fired.</summary>
    public IReadOnlyList<string> TakeSilentModules()
    {
        if (_silentReported)
        {
            return [];
        }

        _silentReported = true;
        return _modules.Select(m => m.Name).Where(n => !_everFired.Contains(n)).ToList();
    }

    public void Dispose()
    {
        Disarm();
        foreach (var row in _rows.Values)
        {
            row.FastRow.Dispose();
        }

        _rows.Clear();
    }

    private void Record(string name, Tensor output)
    {
        _everFired.Add(name);

        // With gradient accumulation a module runs several times per optimizer step: the first micro-batch speaks for it.
        if (_rows.ContainsKey(name) || output is null || output.IsInvalid || output.numel() == 0)
        {
            return;
        }

        try
        {
            using var scope = NewDisposeScope();
            var row = DeviceStatistics.FastRow(output, _bins, perChannel: true, _sampleLimit);
            _rows[name] = new RecordedActivation(name, row.DetachFromDisposeScope(), output, DeviceStatistics.ShapeOf(output, perChannel: true, _sampleLimit));
        }
        catch (Exception)
        {
            // A monitor must not break the forward pass it watches; this module's activations are simply missing.
        }
    }
}

/// <summary>
/// What a hook kept of one module's output: its fast statistics row (owned, disposed by the collector) and a reference
/// to the output itself (not owned) in case the row shows a non-finite value and must be recomputed robustly.
/// </summary>
internal sealed record RecordedActivation(string Name, Tensor FastRow, Tensor Output, RowShape Shape);
