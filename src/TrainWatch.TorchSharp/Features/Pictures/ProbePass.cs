using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>What one probe pass found, as tensors on the model's device (in the caller's dispose scope).</summary>
/// <param name="ActivationMaps">Per conv layer, the shown module's name and its output <c>[n, c, h, w]</c>.</param>
/// <param name="Saliency">|∂score/∂input|, max over channels, each input scaled to [0, 1]: <c>[n, H, W]</c>; null if not computed.</param>
/// <param name="GradCam">The last conv layer and its Grad-CAM, each input scaled to [0, 1], at the activation's resolution <c>[n, 1, h, w]</c>; null if not computed.</param>
/// <param name="Predictions">The predicted class of each probe input, or null when the output is not <c>[n, classes]</c>.</param>
internal sealed record ProbeOutputs(
    IReadOnlyList<(string Name, Tensor Map)> ActivationMaps,
    Tensor? Saliency,
    (string Layer, Tensor Cam)? GradCam,
    Tensor? Predictions)
{
    /// <summary>
    /// The model's output when it has the probe's own layout <c>[n, c, H, W]</c> (an autoencoder's reconstruction, a
    /// segmentation map), for the output-vs-input picture; null for any other output.
    /// </summary>
    public Tensor? ImageOutput { get; init; }

    /// <summary>Whether the output is <c>[batch, classes]</c>, which saliency and Grad-CAM explain.</summary>
    public bool IsClassifier => Predictions is not null;
}

/// <summary>
/// One extra forward pass of the probe batch, in eval mode, with forward hooks on the conv layers and the activations
/// after them, then — for saliency and Grad-CAM — one gradient computation of the predicted classes' scores with
/// <c>torch.autograd.grad</c> with respect to the input and the last conv layer's output only.
/// </summary>
/// <remarks>
/// Why this leaves training alone: eval mode keeps batch norm's running statistics and dropout's random stream
/// untouched (<see cref="EvalModeScope"/> restores every module's flag); <c>autograd.grad</c> returns gradients instead
/// of accumulating them, so no parameter's <c>grad</c> changes; the hooks are removed before returning. The predicted
/// class's score is explained (argmax of the output), summed over the probe inputs, which are independent in eval mode.
/// </remarks>
internal static class ProbePass
{
    public static ProbeOutputs Run(Module<Tensor, Tensor> model, PictureLayers layers, Tensor probe, PictureOptions options)
    {
        var convOutputs = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
        var activationOutputs = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
        var hooks = new List<Module<Tensor, Tensor>.HookRemover>();
        bool wantGradients = (options.Saliency || options.GradCam) && probe.dim() == 4 && probe.is_floating_point();
        Tensor input;
        Tensor output;
        using (new EvalModeScope(model))
        using (enable_grad(wantGradients))
        {
            try
            {
                foreach (var layer in layers.Convs)
                {
                    hooks.Add(layer.Conv.register_forward_hook(Recorder(convOutputs, layer.Name)));
                    if (options.ActivationMaps && layer.Activation is { } activation && !activationOutputs.ContainsKey(activation.Name))
                    {
                        activationOutputs[activation.Name] = [];
                        hooks.Add(activation.Module.register_forward_hook(Recorder(activationOutputs, activation.Name)));
                    }
                }

                input = wantGradients ? probe.detach().requires_grad_(true) : probe.detach();
                output = model.call(input);
            }
            finally
            {
                foreach (var hook in hooks)
                {
                    hook.remove();
                }
            }

            var maps = options.ActivationMaps ? ActivationMaps(layers, convOutputs, activationOutputs, options) : [];
            bool classifier = output.dim() == 2 && output.shape[0] == probe.shape[0];
            var predictions = classifier ? output.detach().argmax(1, false) : null;
            var imageOutput = options.OutputVsInput && SameImageLayout(output, probe) ? output.detach() : null;
            if (!wantGradients || predictions is null || !output.requires_grad)
            {
                return new ProbeOutputs(maps, null, null, predictions) { ImageOutput = imageOutput };
            }

            // Grad-CAM explains the last layer that still sees features, not a decoder's upsampling back to pixels.
            var lastConv = layers.Convs.LastOrDefault(c => !c.Transposed && convOutputs.TryGetValue(c.Name, out var fired) && fired.Count > 0);
            var activationForCam = options.GradCam && lastConv is not null ? convOutputs[lastConv.Name][0] : null;
            if (activationForCam is not null && (activationForCam.dim() != 4 || !activationForCam.requires_grad))
            {
                activationForCam = null;
            }

            var score = output.gather(1, predictions.unsqueeze(1)).sum();
            var targets = new List<Tensor>();
            if (options.Saliency)
            {
                targets.Add(input);
            }

            if (activationForCam is not null)
            {
                targets.Add(activationForCam);
            }

            if (targets.Count == 0)
            {
                return new ProbeOutputs(maps, null, null, predictions);
            }

            var gradients = autograd.grad([score], targets, allow_unused: true);
            var saliency = options.Saliency ? UnitScale(gradients[0].abs().amax([1])) : null;
            (string, Tensor)? cam = activationForCam is not null
                ? (lastConv!.Name, GradCam(activationForCam.detach(), gradients[^1]))
                : null;
            return new ProbeOutputs(maps, saliency, cam, predictions);
        }
    }

    /// <summary>Whether <paramref name="output"/> is a batch of images the probe's size: <c>[n, c, H, W]</c> for a probe <c>[n, c', H, W]</c>.</summary>
    private static bool SameImageLayout(Tensor output, Tensor probe) =>
        output.dim() == 4 && probe.dim() == 4 && output.shape[0] == probe.shape[0]
        && output.shape[2] == probe.shape[2] && output.shape[3] == probe.shape[3];

    /// <summary>
    /// Grad-CAM: channel weights are the spatial mean of the gradient, the map is ReLU(Σ weight·activation), each
    /// input scaled to [0, 1] (an all-zero map stays zero).
    /// </summary>
    private static Tensor GradCam(Tensor activation, Tensor gradient)
    {
        var weights = gradient.mean([2, 3], keepdim: true);
        var cam = (weights * activation).sum(1, keepdim: true).relu();
        return UnitScale(cam);
    }

    /// <summary>Divides each input's map (dimension 0) by its own maximum.</summary>
    private static Tensor UnitScale(Tensor maps)
    {
        var dims = Enumerable.Range(1, (int)maps.dim() - 1).Select(d => (long)d).ToArray();
        return maps / maps.amax(dims, keepdim: true).clamp_min(DeviceScalars.SmallestScale);
    }

    private static List<(string, Tensor)> ActivationMaps(
        PictureLayers layers,
        Dictionary<string, List<Tensor>> convOutputs,
        Dictionary<string, List<Tensor>> activationOutputs,
        PictureOptions options)
    {
        var maps = new List<(string, Tensor)>();
        foreach (var layer in layers.Convs)
        {
            if (!convOutputs.TryGetValue(layer.Name, out var fired) || fired.Count == 0 || fired[0].dim() != 4)
            {
                continue;
            }

            var (name, map) = (layer.Name, fired[0]);
            if (layer.Activation is { } a && activationOutputs.TryGetValue(a.Name, out var after)
                && after.Count == 1 && after[0].shape.SequenceEqual(map.shape))
            {
                (name, map) = (a.Name, after[0]);
            }

            long channels = Math.Min(map.shape[1], options.MaxActivationChannels);
            maps.Add((name, map.detach().narrow(1, 0, channels)));
        }

        return maps;
    }

    /// <summary>
    /// A forward hook that keeps each output of a module. Why the alias: <c>Sequential</c> disposes every intermediate
    /// output as soon as the next module has run, so the hook keeps the module's own tensor and hands an alias (same
    /// storage, same autograd history) down the network; gradients with respect to the kept tensor stay defined.
    /// </summary>
    private static Func<Module<Tensor, Tensor>, Tensor, Tensor, Tensor> Recorder(Dictionary<string, List<Tensor>> outputs, string name) =>
        (_, _, output) =>
        {
            if (output is null || output.IsInvalid)
            {
                return null!; // nothing to keep; the output passes unchanged
            }

            if (!outputs.TryGetValue(name, out var list))
            {
                outputs[name] = list = [];
            }

            list.Add(output);
            return output.alias();
        };
}
