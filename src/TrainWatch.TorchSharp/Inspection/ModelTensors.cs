using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>
/// The floating-point parameters and buffers of a model, each with the type of the module holding it and whether that
/// module feeds a ReLU. Integer buffers (BatchNorm's <c>num_batches_tracked</c>) have nothing to check.
/// </summary>
/// <remarks>
/// At attach no forward pass has run, so "what follows a layer" can only come from a <c>Sequential</c>, whose
/// children run in the order they are listed. A custom module's fields are listed in registration order, which is not
/// execution order (see the TorchSharp notes), so nothing is concluded from them: the ReLU rule stays silent there.
/// </remarks>
internal static class ModelTensors
{
    // Modules that keep a constant input constant (or, for the norms, turn it into a constant): what comes after them
    // is what the layer before them feeds.
    private static readonly HashSet<string> s_passThrough =
    [
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Identity", "Flatten",
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "LayerNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
        "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    ];

    // Activations whose gradient is exactly 0 at an input of 0: a layer that outputs 0 everywhere feeds them nothing back.
    private static readonly HashSet<string> s_zeroGradientAtZero = ["ReLU", "ReLU6"];

    public static List<CheckedTensor> Collect(Module model)
    {
        // named_modules() leaves out the root; its own parameters have no dotted prefix.
        var modules = new Dictionary<string, Module> { [""] = model };
        foreach (var (path, module) in model.named_modules())
        {
            modules.TryAdd(path, module);
        }

        var feedsReLU = ModulesFeedingReLU(modules);
        var tensors = new List<CheckedTensor>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            Add(name, parameter, isBuffer: false);
        }

        foreach (var (name, buffer) in model.named_buffers())
        {
            Add(name, buffer, isBuffer: true);
        }

        return tensors;

        void Add(string name, global::TorchSharp.torch.Tensor values, bool isBuffer)
        {
            if (values is null || values.IsInvalid || values.numel() == 0 || !values.is_floating_point())
            {
                return;
            }

            string owner = OwnerPath(name);
            string ownerType = modules.TryGetValue(owner, out var module) ? module.GetType().Name : "";
            tensors.Add(new CheckedTensor(name, values, isBuffer, ownerType, feedsReLU.Contains(owner)));
        }
    }

    private static string OwnerPath(string tensorName)
    {
        int dot = tensorName.LastIndexOf('.');
        return dot < 0 ? "" : tensorName[..dot];
    }

    // Paths of the modules whose next non-pass-through sibling in a Sequential is a ReLU.
    private static HashSet<string> ModulesFeedingReLU(Dictionary<string, Module> modules)
    {
        var feeding = new HashSet<string>();
        foreach (var (path, module) in modules)
        {
            if (module is not Sequential sequential)
            {
                continue;
            }

            var children = sequential.named_children().ToList();
            for (int i = 0; i < children.Count; i++)
            {
                var next = children.Skip(i + 1).Select(c => c.module.GetType().Name).FirstOrDefault(t => !s_passThrough.Contains(t));
                if (next is not null && s_zeroGradientAtZero.Contains(next))
                {
                    feeding.Add(path.Length == 0 ? children[i].name : $"{path}.{children[i].name}");
                }
            }
        }

        return feeding;
    }
}
