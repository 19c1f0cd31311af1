using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>A Conv2d or ConvTranspose2d layer and the module whose output its activation map shows.</summary>
/// <param name="Name">The conv layer's path (<c>features.0</c>).</param>
/// <param name="Conv">The layer.</param>
/// <param name="Weight">Its weight: <c>[out, in, kh, kw]</c> for a conv, <c>[in, out, kh, kw]</c> for a transposed conv.</param>
/// <param name="Transposed">Whether it is a ConvTranspose2d (a decoder's upsampling layer).</param>
/// <param name="Activation">The activation after it (see <see cref="PictureLayers"/>), with its path; null when there is none.</param>
internal sealed record ConvLayer(string Name, Module<Tensor, Tensor> Conv, Tensor? Weight, bool Transposed, (string Name, Module<Tensor, Tensor> Module)? Activation);

/// <summary>
/// The layers pictures are made of, in the order the training forward pass ran them (the forward recorder's leaves):
/// "the last conv" (Grad-CAM) and "the activation after a conv" must follow execution, which <c>named_modules()</c>
/// does not (TorchSharp lists a parent's built-in children before its custom-module children). Before any recorded
/// pass, module order stands in.
/// </summary>
/// <remarks>
/// An activation map shows the output of the first activation module (ReLU family, GELU, SiLU, ...) that follows a
/// conv layer, with only normalisation or dropout modules in between (conv → BN → ReLU): after a ReLU a dead channel is
/// exactly zero and gets the dead marker. Without such a module (a functional <c>relu</c> in <c>forward</c>), or when it
/// runs more than once per forward pass (one ReLU module shared by several layers), the conv output itself is shown.
/// </remarks>
internal sealed class PictureLayers
{
    private static readonly HashSet<string> s_activationTypes = new(StringComparer.Ordinal)
    {
        "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish", "Hardswish", "Softplus",
    };

    private static readonly string[] s_passThroughPrefixes = ["BatchNorm", "GroupNorm", "LayerNorm", "InstanceNorm", "LocalResponseNorm", "Dropout", "Identity"];

    private PictureLayers(IReadOnlyList<ConvLayer> convs, IReadOnlyList<(string Name, global::TorchSharp.Modules.Linear Linear)> linears)
    {
        Convs = convs;
        Linears = linears;
    }

    /// <summary>Conv2d and ConvTranspose2d layers in execution order.</summary>
    public IReadOnlyList<ConvLayer> Convs { get; }

    /// <summary>Linear layers in execution order.</summary>
    public IReadOnlyList<(string Name, global::TorchSharp.Modules.Linear Linear)> Linears { get; }

    public static PictureLayers Find(Module model, Recording.ForwardRecording? recording)
    {
        var leaves = recording is not null
            ? recording.Leaves.Select(l => (name: l.Path, module: l.Module)).ToList()
            : model.named_modules().Where(m => !m.module.children().Any()).ToList();
        var convs = new List<ConvLayer>();
        var linears = new List<(string, global::TorchSharp.Modules.Linear)>();
        for (int i = 0; i < leaves.Count; i++)
        {
            switch (leaves[i].module)
            {
                case global::TorchSharp.Modules.Conv2d conv:
                    convs.Add(new ConvLayer(leaves[i].name, conv, conv.weight, false, ActivationAfter(leaves, i)));
                    break;
                case global::TorchSharp.Modules.ConvTranspose2d deconv:
                    // A decoder's layers: an autoencoder's or U-Net's second half is as much the model as its encoder.
                    convs.Add(new ConvLayer(leaves[i].name, deconv, deconv.weight, true, ActivationAfter(leaves, i)));
                    break;
                case global::TorchSharp.Modules.Linear linear:
                    linears.Add((leaves[i].name, linear));
                    break;
            }
        }

        return new PictureLayers(convs, linears);
    }

    private static (string, Module<Tensor, Tensor>)? ActivationAfter(List<(string name, Module module)> leaves, int convIndex)
    {
        for (int i = convIndex + 1; i < leaves.Count; i++)
        {
            string type = leaves[i].module.GetType().Name;
            if (s_activationTypes.Contains(type) && leaves[i].module is Module<Tensor, Tensor> activation)
            {
                return (leaves[i].name, activation);
            }

            if (!s_passThroughPrefixes.Any(p => type.StartsWith(p, StringComparison.Ordinal)))
            {
                return null;
            }
        }

        return null;
    }
}
