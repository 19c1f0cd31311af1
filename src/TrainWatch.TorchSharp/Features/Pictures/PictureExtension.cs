using System.Runtime.CompilerServices;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Writes pictures of the network on the sample steps <see cref="PictureOptions.EverySteps"/> apart (the first one
/// included): kernel grids and smoothness, weight heat maps, and — given a probe batch — activation maps, saliency and
/// Grad-CAM. One picture step makes one device-to-host copy; drawing and PNG encoding run in the writer's deferred
/// builders, which the watcher's writer runs on the training thread (docs/reliability.md).
/// </summary>
internal sealed class PictureExtension : IWatchExtension
{
    private readonly WatchContext _context;
    private readonly PictureOptions _options;
    private readonly Sampling.StepInterval _schedule;
    private PictureLayers? _layers;
    private readonly ProbeBatch _probe;
    private bool _probeUnusable;
    private long _lastSampleStep = -1;
    private long _lastPictureStep = -1;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    private PictureExtension(WatchContext context, PictureOptions options)
    {
        _context = context;
        _options = options;
        _schedule = new Sampling.StepInterval(options.EverySteps);
        _probe = new ProbeBatch(context.Model, options.ProbeSize, context.HookFailures);
    }

    /// <summary>Picture steps written so far.</summary>
    public long PictureSteps { get; private set; }

    /// <summary>Device-to-host copies made so far (one per picture step that had something to copy).</summary>
    public long HostCopies { get; private set; }

    /// <summary>The extension for <paramref name="context"/>, or none when pictures are turned off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IEnumerable<IWatchExtension> For(WatchContext context)
    {
        if (context.Options.Pictures is not { } options)
        {
            return [];
        }

        options.Validate();
        return [new PictureExtension(context, options)];
    }

    /// <summary>Replaces the probe batch (see <see cref="TrainWatcher.SetProbe"/>).</summary>
    public void SetProbe(Tensor inputs, Tensor? labels) => _probe.Replace(inputs, labels);

    public void BeforeSampledForward(long step, long sampleIndex)
    {
        // Nothing to arm: pictures come from an extra pass of the probe batch, not from the training forward pass.
    }

    public ExtensionCounters Counters => new(PictureSteps, HostCopies);

    public void Receive(WatchRequest request)
    {
        if (request is PictureProbeRequest probe)
        {
            SetProbe(probe.Inputs, probe.Labels);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnSample(SampleStep sample)
    {
        long step = sample.Step;
        _probe.StopCapturingIfDone();
        _lastSampleStep = step;
        if (!_schedule.IsDue(step))
        {
            return;
        }

        _lastPictureStep = step;
        PictureSteps++;
        Write(step);
    }

    /// <summary>
    /// Writes the final set first: without it a run shorter than <see cref="PictureOptions.EverySteps"/> would show only
    /// the untrained model (step 0). The pictures are of the trained weights, at the last sample step.
    /// </summary>
    public void Dispose()
    {
        try
        {
            if (_lastSampleStep > _lastPictureStep)
            {
                _lastPictureStep = _lastSampleStep;
                PictureSteps++;
                Write(_lastSampleStep);
            }
        }
        finally
        {
            _probe.Dispose();
        }
    }

    private void Write(long step)
    {
        // Found from the first recorded forward pass, then kept: the model's structure does not change.
        var layers = _layers ??= _context.LastRecording is { } recording ? PictureLayers.Find(_context.Model, recording) : null;
        layers ??= PictureLayers.Find(_context.Model, null);
        using var scope = NewDisposeScope();
        var transfer = new PictureTransfer();
        KernelPictures? kernels;
        LinearPictures? linears;
        ProbePictures? probePictures = null;
        using (no_grad())
        {
            kernels = _options.Kernels ? KernelPictures.Prepare(layers, _options, transfer) : null;
            linears = _options.LinearHeatmaps ? LinearPictures.Prepare(layers, _options, _probe.Inputs?.shape, transfer) : null;
        }

        if (WantsProbePass() && !_probeUnusable && ProbeModel() is { } model && _probe.Inputs is { } probe)
        {
            probePictures = TryProbePictures(model, layers, probe, transfer, step);
        }

        float[] host = transfer.CopyToHost();
        if (host.Length > 0)
        {
            HostCopies++;
        }

        // Every picture is drawn and encoded from the host copy alone: independent builds, side by side on the cores,
        // while the training thread waits here anyway (SummaryWriter.BeginBuildBatch).
        var writer = _context.Writer;
        using (writer.BeginBuildBatch())
        {
            kernels?.Write(writer, host, step);
            linears?.Write(writer, host, step);
            probePictures?.Write(writer, host, step, _options.Overlay);
        }
    }

    // A probe the model cannot run (wrong shape or dtype) must not cost the kernel and weight pictures of every picture
    // step: a user's probe is dropped for the next training batch; a probe taken from training itself is given up.
    private ProbePictures? TryProbePictures(Module<Tensor, Tensor> model, PictureLayers layers, Tensor probe, PictureTransfer transfer, long step)
    {
        ProbeOutputs outputs;
        try
        {
            outputs = ProbePass.Run(model, layers, probe, _options);
        }
        catch (Exception e)
        {
            string shape = $"[{string.Join(", ", probe.shape)}] {probe.dtype}";
            string next = _probe.IsUserProbe
                ? "it is dropped and the next training batch is used instead"
                : "activation maps, saliency and Grad-CAM are skipped for this run";
            WarnOnce("probe-failed", $"TrainWatch: the model cannot run the probe batch {shape} ({e.Message.Split('\n')[0]}); {next}.");
            if (_probe.IsUserProbe)
            {
                _probe.Reset();
            }
            else
            {
                _probeUnusable = true;
            }

            return null;
        }

        if ((_options.Saliency || _options.GradCam) && !outputs.IsClassifier && probe.dim() == 4 && _warned.Add("classifier"))
        {
            // Not a mistake to act on: an autoencoder or a segmentation model has no class score to explain.
            FeatureNotes.StandDown(_context, step, "saliency", "saliency and Grad-CAM", $"the model's output is not [batch, classes] (an autoencoder, a segmentation model){(outputs.ImageOutput is not null ? "; probe/output_vs_input shows its output instead" : "")}");
        }

        using (no_grad())
        {
            return ProbePictures.Prepare(outputs, probe, _probe.Labels, transfer);
        }
    }

    private bool WantsProbePass() => _options.ActivationMaps || _options.Saliency || _options.GradCam || _options.OutputVsInput;

    private Module<Tensor, Tensor>? ProbeModel()
    {
        if (_context.Model is not Module<Tensor, Tensor> model)
        {
            WarnOnce("model", "TrainWatch: activation maps, saliency and Grad-CAM need a model that takes one tensor (Module<Tensor, Tensor>); they are skipped.");
            return null;
        }

        if (_probe.Inputs is null)
        {
            WarnOnce("probe", "TrainWatch: no probe batch yet for activation maps, saliency and Grad-CAM (the model's forward was not called through call(x)); call watch.SetProbe(inputs) to give one.");
        }

        return model;
    }

    private void WarnOnce(string key, string message)
    {
        if (_warned.Add(key))
        {
            _context.Warn(message);
        }
    }
}
