using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Graph;

/// <summary>
/// Records, through forward hooks, the order in which the leaf modules run during one forward pass and the shape of
/// each one's output (shapes only: no tensor is kept, nothing is copied to the host).
/// </summary>
/// <remarks>
/// Only modules invoked through <c>call()</c> are seen (TorchSharp runs hooks nowhere else), and only
/// <c>Module&lt;Tensor, Tensor&gt;</c> leaves can be hooked.
/// </remarks>
internal sealed class ForwardTrace : IDisposable
{
    private readonly Module _model;
    private readonly List<(string Name, Module<Tensor, Tensor> Module)> _leaves;
    private readonly List<Module<Tensor, Tensor>.HookRemover> _hooks = [];
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, long[]> _outputShapes = new(StringComparer.Ordinal);
    private int _passes;

    public ForwardTrace(Module model, IEnumerable<(string Name, Module<Tensor, Tensor> Module)> leaves)
    {
        _model = model;
        _leaves = leaves.ToList();
    }

    /// <summary>Leaf modules by path, in the order they were called (a module called twice appears twice).</summary>
    public IReadOnlyList<string> Calls => _calls;

    /// <summary>Shape of the model's input, when the root could be hooked and ran.</summary>
    public long[]? InputShape { get; private set; }

    /// <summary>Shape of a module's (last) output, if it ran.</summary>
    public long[]? OutputShape(string module) => _outputShapes.GetValueOrDefault(module);

    /// <summary>Registers the hooks for the next forward pass.</summary>
    public void Arm()
    {
        if (_hooks.Count > 0)
        {
            return;
        }

        if (_model is Module<Tensor, Tensor> root)
        {
            // Hooks run inside the user's forward pass: nothing in them may throw, whatever the module passes along.
            _hooks.Add(root.register_forward_pre_hook((_, input) =>
            {
                if (input is { IsInvalid: false })
                {
                    InputShape ??= input.shape;
                }

                _passes++;
                return input!;
            }));
        }

        foreach (var (name, module) in _leaves)
        {
            string path = name;
            _hooks.Add(module.register_forward_hook((_, _, output) =>
            {
                // Only the first pass: with gradient accumulation the next micro-batch would link the last layer back
                // to the first.
                if (_passes > 1)
                {
                    return null!;
                }

                _calls.Add(path);
                if (output is { IsInvalid: false })
                {
                    _outputShapes[path] = output.shape;
                }

                return null!; // keep the module's output unchanged
            }));
        }
    }

    /// <summary>Removes the hooks (never from inside a hook: TorchSharp iterates them while calling).</summary>
    public void Disarm()
    {
        foreach (var hook in _hooks)
        {
            hook.remove();
        }

        _hooks.Clear();
    }

    public void Dispose() => Disarm();
}
