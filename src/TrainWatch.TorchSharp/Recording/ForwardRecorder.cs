using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Recording;

/// <summary>
/// The one set of forward hooks: armed for a sampled step only, it records every module call of that step's training
/// forward pass in execution order (<see cref="ForwardRecording"/>) and, for the measured modules, hands each tensor
/// output to <see cref="ActivationStatistics"/> while it is alive (one host copy later carries all the rows).
/// </summary>
/// <remarks>
/// <para>Which pass is recorded: the first one, after arming, that runs with the model in training mode and gradients
/// enabled. A validation or probe pass between two training steps (<c>model.eval()</c> or <c>no_grad()</c>) is
/// ignored, and so are further micro-batches of the same step (gradient accumulation): a pass begins when the model
/// itself is called. A model whose <c>forward</c> is called directly has no pass boundary; then each module's first
/// call counts.</para>
/// <para>Measured modules are the leaves (modules without children, whatever their signature: GRU and attention
/// return tuples, each tensor is measured) and modules with parameters of their own; a model without children is
/// its own leaf. Hooks run inside the user's forward pass, so nothing in them may throw.</para>
/// </remarks>
internal sealed class ForwardRecorder : IDisposable
{
    /// <summary>The name the model itself is measured under when it has no children.</summary>
    public const string ModelName = "model";

    private readonly Module _model;
    private readonly HookFailures _failures;
    private readonly Action<string>? _insideHook;
    private readonly ActivationSettings? _measure;
    private readonly List<ModuleHookSet> _hooks = [];
    private readonly HookGate _gate = new();
    private readonly HashSet<string> _measured = new(StringComparer.Ordinal);
    private readonly HashSet<string> _everFinished = new(StringComparer.Ordinal);
    private readonly List<RecordedActivation> _rows = [];
    private ForwardRecording? _current;
    private (long[] Shape, int Axis)? _previousOutput;
    private RowPart? _inputCheck;
    private int _passes;
    private bool _silentReported;

    /// <param name="model">The model.</param>
    /// <param name="measure">How to measure activations, or null to record the order only.</param>
    /// <param name="moduleFilter">Which measured modules to keep, by path (null: all).</param>
    /// <param name="warn">Where to say that a module cannot be hooked.</param>
    /// <param name="failures">Where exceptions caught inside the hooks are counted.</param>
    /// <param name="insideHook">Test seam: runs inside the hook after each module call.</param>
    public ForwardRecorder(Module model, ActivationSettings? measure, Func<string, bool>? moduleFilter, Action<string> warn, HookFailures failures, Action<string>? insideHook = null)
    {
        _failures = failures;
        _insideHook = insideHook;
        _model = model;
        _measure = measure;
        var modules = model.named_modules().Prepend(("", model)).ToList();
        bool modelIsLeaf = modules.Count == 1;
        var unhookable = new List<string>();
        foreach (var (path, module) in modules)
        {
            bool leaf = !module.children().Any();
            bool measured = (leaf || module.named_parameters(recurse: false).Any()) && (path.Length > 0 || modelIsLeaf)
                && (moduleFilter?.Invoke(MeasuredName(path)) ?? true);
            string modulePath = path;
            var hooks = ModuleHooks.For(module, _gate, [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => OnStart(modulePath), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (inputs, output) => OnFinish(modulePath, module, leaf, inputs, output));
            if (hooks is null)
            {
                if (measured)
                {
                    unhookable.Add($"{MeasuredName(path)} ({module.GetType().Name})");
                }

                continue;
            }

            _hooks.Add(hooks);
            if (measured)
            {
                _measured.Add(path);
            }
        }

        if (unhookable.Count > 0)
        {
            warn($"TrainWatch: {unhookable.Count} module(s) offer no forward hooks and have no activation statistics: {string.Join(", ", unhookable.Take(8))}{(unhookable.Count > 8 ? ", ..." : "")}.");
        }
    }

    /// <summary>Whether a sampled step's forward pass is awaited (the hooks are registered and open).</summary>
    public bool IsArmed => _gate.IsOpen && _hooks.Count > 0 && _hooks[0].IsRegistered;

    /// <summary>The last finished recording that saw any call, or null before the first.</summary>
    public ForwardRecording? Last { get; private set; }

    /// <summary>The name a measured module's statistics are written under: its path, or <see cref="ModelName"/>.</summary>
    public static string MeasuredName(string path) => path.Length == 0 ? ModelName : path;

    /// <summary>Opens the hooks for the forward pass of sampled step <paramref name="step"/>.</summary>
    /// <remarks>
    /// The hooks are registered at the first call and stay on the model until <see cref="Dispose"/>, closed between
    /// sampled steps: registering costs ~1.5 µs a hook (TorchSharp makes a GUID string for each, a system call on
    /// Linux), ~35 µs a sample step for a model of ten modules, while a closed hook costs a module call of a plain
    /// step a few nanoseconds (docs/design.md, "One forward recorder").
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Arm(long step)
    {
        if (_current is not null)
        {
            return;
        }

        DisposeRows();
        _current = new ForwardRecording { Step = step };
        _passes = 0;
        _previousOutput = null;
        foreach (var hooks in _hooks)
        {
            hooks.Register();
        }

        _gate.IsOpen = true;
    }

    /// <summary>
    /// Ends the recording: what was recorded becomes <see cref="Last"/> (if anything ran). The hooks stay registered
    /// and record nothing until the next <see cref="Arm"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Disarm()
    {
        _gate.IsOpen = false;
        if (_current is { Calls.Count: > 0 } recording)
        {
            Last = recording;
        }

        _current = null;
    }

    /// <summary>
    /// Hands over the activation rows recorded since <see cref="Arm"/>, in execution order (the caller disposes them).
    /// </summary>
    public List<RecordedActivation> TakeRows()
    {
        var rows = _rows.ToList();
        _rows.Clear();
        return rows;
    }

    /// <summary>
    /// The input check of the recorded pass (NaN and ±∞ counts of the model's input: host values, or a float64 tensor
    /// on the input's device owned by the caller), or null.
    /// </summary>
    public RowPart? TakeInputCheck()
    {
        var check = _inputCheck;
        _inputCheck = null;
        return check;
    }

    /// <summary>Once, after the first recorded pass: the measured modules whose hook never fired.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<string> TakeSilentModules()
    {
        if (_silentReported || Last is null)
        {
            return [];
        }

        _silentReported = true;
        return _measured.Where(p => !_everFinished.Contains(p)).Select(MeasuredName).ToList();
    }

    /// <summary>Ends any recording and removes the hooks from the model.</summary>
    public void Dispose()
    {
        Disarm();
        foreach (var hooks in _hooks)
        {
            hooks.Remove();
        }

        DisposeRows();
    }

    private bool Recording => _current is not null && _passes <= 1 && _model.training && is_grad_enabled();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnStart(string path)
    {
        try
        {
            if (!Recording)
            {
                return;
            }

            if (path.Length == 0 && ++_passes > 1)
            {
                return; // a second training pass of the same step: the first speaks for it
            }

            _current!.Started(path);
        }
        catch (Exception e)
        {
            _failures.Record(e); // as in OnFinish: never fail the user's forward pass
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnFinish(string path, Module module, bool leaf, object?[] inputs, object? output)
    {
        try
        {
            // Without a pass boundary (the model's forward called directly) each module's first call counts.
            if (!Recording || (_passes == 0 && _current!.FinishIndex(path) is not null))
            {
                return;
            }

            _insideHook?.Invoke(path);
            var recording = _current!;
            bool first = recording.FinishIndex(path) is null;
            var outputs = ModuleOutputs.Flatten(module.GetType().Name, output);

            // Each output's shape is read once (a native call and an array each time) and serves the record and the statistics.
            var shapes = outputs.ConvertAll(o => TensorSizes.Of(o.Tensor));
            recording.Finished(new ModuleCall(path, module, shapes, leaf) { OutputSuffixes = outputs.ConvertAll(o => o.Suffix) });
            if (path.Length == 0 && inputs is [Tensor { IsInvalid: false } input, ..])
            {
                recording.InputShape = TensorSizes.Of(input);
                _inputCheck ??= InputCheck(input, _measure?.HostKernels ?? true);
            }

            if (first && _measured.Contains(path))
            {
                _everFinished.Add(path);
                Measure(path, module.GetType().Name, outputs, shapes);
            }
        }
        catch (Exception e)
        {
            // A monitor must not break the forward pass it watches; this call is missing from the record, and counted.
            _failures.Record(e);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Measure(string path, string moduleType, List<(string Suffix, Tensor Tensor)> outputs, List<long[]> shapes)
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            var (suffix, output) = outputs[i];
            var shape = shapes[i];
            if (DeviceStatistics.Numel(shape) == 0)
            {
                continue;
            }

            int axis = UnitAxis.For(moduleType, shape, _previousOutput);
            _previousOutput = (shape, axis);
            if (_measure is not { } settings)
            {
                continue;
            }

            _rows.Add(ActivationStatistics.Reduce(ModuleOutputs.Name(MeasuredName(path), suffix), path, moduleType, output, shape, axis, settings));
        }
    }

    // NaN and ±∞ in the batch itself: [nan, inf] as float64, counted in place on the host for a CPU input, else on
    // the input's device; a non-float input has neither.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RowPart? InputCheck(Tensor input, bool hostKernels)
    {
        if (hostKernels && HostView.Applies(input) && HostCounts.Reads(input))
        {
            var (nan, infinite) = HostCounts.NonFinite(input);
            return RowPart.OnHost([nan, infinite]);
        }

        if (!input.is_floating_point())
        {
            return null;
        }

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var values = input.detach();
        return RowPart.Of(stack([values.isnan().sum(ScalarType.Float64), values.isinf().sum(ScalarType.Float64)]).DetachFromDisposeScope());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DisposeRows()
    {
        foreach (var row in _rows)
        {
            row.Dispose();
        }

        _rows.Clear();
        _inputCheck?.Tensor?.Dispose();
        _inputCheck = null;
    }
}
