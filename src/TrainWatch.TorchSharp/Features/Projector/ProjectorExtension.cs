using System.Globalization;
using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TrainWatch.Imaging;
using TrainWatch.Projector;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Projector;

/// <summary>
/// Writes the embedding projector's files on the first sample step and then on the sample steps
/// <see cref="ProjectorOptions.EverySteps"/> apart: the probe batch goes through an extra forward pass (eval mode, no gradients; the train/eval mode is
/// restored), a forward hook takes the input of the target module (by default the last <c>Linear</c> to run in the
/// training forward pass: the penultimate features), and the features, labels/predictions and a sprite of the inputs are written by <see cref="ProjectorWriter"/>
/// in a deferred builder, which the watcher's writer runs on the training thread (docs/reliability.md).
/// </summary>
/// <remarks>
/// Without <see cref="TrainWatcher.SetProjectorProbe"/>, the probe is the first <see cref="ProjectorOptions.ProbeSize"/>
/// inputs of the first forward pass, captured by a pre-hook on the model (possible only when the model is a
/// <c>Module&lt;Tensor, Tensor&gt;</c>). The extra forward pass runs BatchNorm/Dropout in eval mode, so it changes no
/// running statistics.
/// </remarks>
internal sealed class ProjectorExtension : IWatchExtension
{
    private readonly WatchContext _context;
    private readonly ProjectorOptions _options;
    private readonly Sampling.StepInterval _schedule;
    private readonly Lazy<ProjectorWriter> _files;
    private Module<Tensor, Tensor>.HookRemover? _captureHook;
    private ProjectorProbe? _probe;
    private SpriteSheet? _sprite;
    private bool _spriteBuilt;
    private bool _disabled;

    public ProjectorExtension(WatchContext context, ProjectorOptions options)
    {
        options.Validate();
        _context = context;
        _options = options;
        _schedule = new Sampling.StepInterval(options.EverySteps);
        _files = new Lazy<ProjectorWriter>(() => new ProjectorWriter(context.Writer.LogDirectory, options.MaxSnapshots));
        if (context.Model is Module<Tensor, Tensor> root)
        {
            _captureHook = root.register_forward_pre_hook((_, input) =>
            {
                try
                {
                    _probe ??= ProjectorProbe.Copy(input, null, options.ProbeSize, input.device);
                }
                catch (ArgumentException)
                {
                    // Not a batch of feature rows (a 1-D input, say): the hook must not fail the training forward
                    // pass; without a probe the projector says so at its first step.
                }

                return input;
            });
        }
    }

    /// <summary>Replaces the probe batch (the previous one is disposed; the sprite is rebuilt).</summary>
    public void SetProbe(Tensor inputs, Tensor? labels)
    {
        var probe = ProjectorProbe.Copy(inputs, labels, long.MaxValue, ProbeRows.ModelDevice(_context.Model, inputs.device));
        RemoveCaptureHook();
        _probe?.Dispose();
        _probe = probe;
        _spriteBuilt = false;
        _disabled = false; // a probe given after a warning about the missing one starts the projector again
    }

    public void BeforeSampledForward(long step, long sampleIndex)
    {
    }

    public void Receive(WatchRequest request)
    {
        if (request is ProjectorProbeRequest probe)
        {
            SetProbe(probe.Inputs, probe.Labels);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnSample(SampleStep sample)
    {
        long step = sample.Step;
        RemoveCaptureHook();
        if (_disabled || !_schedule.IsDue(step))
        {
            return;
        }

        if (_probe is null)
        {
            Disable("TrainWatch: the projector has no probe batch (the model is not a Module<Tensor, Tensor> or ran no forward pass); call watch.SetProjectorProbe(inputs, labels).");
            return;
        }

        if (_context.Model is not Module<Tensor, Tensor> model)
        {
            Disable("TrainWatch: the projector needs a Module<Tensor, Tensor> model to run the probe batch through.");
            return;
        }

        if (FindTarget() is not { } target)
        {
            if (_options.ModuleName is null)
            {
                // A model without a Linear layer (a conv autoencoder, a U-Net) has no embedding to project by default.
                _disabled = true;
                FeatureNotes.StandDown(_context, step, "projector", "the projector", "the model has no Linear layer whose input to project (ProjectorOptions.ModuleName picks another module)");
                return;
            }

            Disable($"TrainWatch: the projector's module '{_options.ModuleName}' does not exist or is not a Module<Tensor, Tensor>.");
            return;
        }

        ProjectorEmbedding? embedding;
        try
        {
            embedding = Capture(model, target.Module, target.Name, step);
        }
        catch (Exception e)
        {
            // A probe the model cannot run (wrong shape or dtype) would otherwise fail every projector step.
            Disable($"TrainWatch: the model cannot run the projector's probe batch [{string.Join(", ", _probe.Inputs.shape)}] {_probe.Inputs.dtype} ({e.Message.Split('\n')[0]}); the projector is off until SetProjectorProbe gives another.");
            return;
        }

        if (embedding is null)
        {
            Disable($"TrainWatch: the projector's module '{target.Name}' did not run in the probe forward pass (is it called through call()?).");
            return;
        }

        var files = _files;
        // Under projector/ rather than at the run's root, where a folder per snapshot would crowd out the event files.
        string folder = SnapshotFolder(step);
        _context.Writer.AddDeferred(step, () =>
        {
            files.Value.Add(folder, embedding);
            return null; // files only; nothing goes into the event file
        }, embedding.Values.Length * 12L);
    }

    /// <summary>The folder, relative to the run directory, that holds the snapshot of <paramref name="step"/>: <c>projector/200</c>.</summary>
    internal static string SnapshotFolder(long step) => $"projector/{step.ToString(CultureInfo.InvariantCulture)}";

    public void Dispose()
    {
        RemoveCaptureHook();
        _probe?.Dispose();
        _probe = null;
    }

    private ProjectorEmbedding? Capture(Module<Tensor, Tensor> model, Module<Tensor, Tensor> target, string targetName, long step)
    {
        var probe = _probe!;
        float[]? features = null;
        int columns = 0;
        string[]? predictions = null;
        // Each module's own mode, not just the root's: train(true) is recursive and would wake a deliberately frozen
        // (eval-mode) part of the model. Restored parents first, so a child's own mode wins.
        var modes = model.named_modules().Select(m => (m.module, m.module.training)).Prepend((model, model.training)).ToList();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var hook = target.register_forward_hook((_, input, _) =>
            {
                if (features is null)
                {
                    var flat = input.detach().flatten(1).to(ScalarType.Float32).cpu().contiguous();
                    columns = (int)flat.shape[1];
                    features = flat.data<float>().ToArray();
                }

                return null!; // keep the output unchanged
            });
            try
            {
                model.eval();
                var output = model.call(probe.Inputs);
                if (output.dim() == 2 && output.shape[1] > 1)
                {
                    predictions = Labels(output.argmax(1));
                }
            }
            finally
            {
                hook.remove();
                foreach (var (module, training) in modes)
                {
                    module.train(training);
                }
            }
        }

        if (features is null)
        {
            return null;
        }

        if (!_spriteBuilt)
        {
            _spriteBuilt = true;
            _sprite = ProbeThumbnails.TryBuild(probe.Inputs);
        }

        var metadata = new List<ProjectorMetadataColumn>();
        if (probe.Labels is { } labels)
        {
            using var scope = NewDisposeScope();
            metadata.Add(new ProjectorMetadataColumn("label", Labels(labels.dim() == 2 ? labels.argmax(1) : labels)));
        }

        if (predictions is not null)
        {
            metadata.Add(new ProjectorMetadataColumn("predicted", predictions));
        }

        int rows = (int)probe.Count;
        return new ProjectorEmbedding($"{ModuleGraphName(targetName)} input @ step {step}", features, rows, columns)
        {
            Metadata = metadata,
            Sprite = _sprite,
        };
    }

    private (string Name, Module<Tensor, Tensor> Module)? FindTarget()
    {
        var modules = _context.Model.named_modules().ToList();
        if (_options.ModuleName is { } wanted)
        {
            string dotted = wanted.Replace('/', '.');
            return modules.FirstOrDefault(m => m.name == dotted).module is Module<Tensor, Tensor> found ? (dotted, found) : null;
        }

        // The last Linear to run, not the last registered: TorchSharp registers a parent's built-in children before
        // its custom-module children. Before any recorded pass, module order stands in.
        var last = _context.LastRecording is { } recording
            ? recording.Leaves.LastOrDefault(l => l.Module is Linear)
            : modules.LastOrDefault(m => m.module is Linear);
        return last.Item2 is Module<Tensor, Tensor> linear ? (last.Item1, linear) : null;
    }

    private static string[] Labels(Tensor values)
    {
        var host = values.detach().cpu();
        return !host.is_floating_point()
            ? host.to(ScalarType.Int64).data<long>().ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray()
            : host.to(ScalarType.Float64).data<double>().ToArray().Select(v => v.ToString("G6", CultureInfo.InvariantCulture)).ToArray();
    }

    private static string ModuleGraphName(string modulePath) => modulePath.Replace('.', '/');

    private void RemoveCaptureHook()
    {
        _captureHook?.remove();
        _captureHook = null;
    }

    private void Disable(string message)
    {
        _disabled = true;
        _context.Warn(message);
    }
}
