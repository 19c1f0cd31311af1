using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Puts a model in eval mode for the probe passes and, on dispose, gives every module back its own train/eval flag.
/// Eval mode is what keeps the probe passes from disturbing training: batch norm uses (and does not update) its
/// running statistics, and dropout neither drops nor draws random numbers.
/// </summary>
/// <remarks>
/// Flags are restored module by module rather than with one <c>model.train()</c>, so a module the user froze in eval
/// mode (a frozen batch norm, say) stays frozen. <c>train(bool)</c> also sets the children, so flags are restored
/// parents first and each child's own flag wins.
/// </remarks>
internal sealed class EvalModeScope : IDisposable
{
    private readonly List<(Module Module, bool Training)> _flags;

    public EvalModeScope(Module model)
    {
        _flags = [(model, model.training)];
        _flags.AddRange(model.named_modules().Select(m => (m.module, m.module.training)));
        model.eval();
    }

    public void Dispose()
    {
        foreach (var (module, training) in _flags)
        {
            module.train(training);
        }
    }
}
