using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.Examples.Population;

/// <summary>Plants a <see cref="FaultDraw"/> into a training loop through the loop's moments.</summary>
internal sealed class FaultPlanter : IDisposable
{
    // Kept Scalars: a temporary one can be freed mid-call by another thread's collection (docs/reliability.md).
    private static readonly Scalar s_sunkBias = -1000f;
    private static readonly Scalar s_saturatingGain = 50f;
    private static readonly Scalar s_nan = float.NaN;
    private static readonly Scalar s_infinity = float.PositiveInfinity;
    private static readonly Scalar s_ten = 10f;
    private static readonly Scalar s_zero = 0f;

    private readonly FaultDraw? _fault;
    private readonly Net _net;
    private readonly optim.Optimizer _optimizer;
    private readonly int _every;
    private readonly IDisposable? _hook;
    private Tensor? _frozenWeights;
    private long _step;

    public FaultPlanter(FaultDraw? fault, Net net, optim.Optimizer optimizer, int every)
    {
        _fault = fault;
        _net = net;
        _optimizer = optimizer;
        _every = every;
        if (fault?.Kind.Name == "unsafe-op")
        {
            // Registered before the watcher attaches, so its hooks see the replaced output.
            var act = (nn.Module<Tensor, Tensor>)net.named_modules().Single(m => m.name == $"{Net.BlockPath(fault.Block)}.act").module;
            var remover = act.register_forward_hook((_, _, output) => _step >= fault.Onset ? output.sub(s_ten).log() : output);
            _hook = new Remover(remover.remove);
        }
    }

    private string Block => Net.BlockPath(_fault!.Block);

    private bool Active => _fault is not null && _step >= _fault.Onset;

    public void BeforeForward(long step)
    {
        _step = step;
        if (_fault is null || step < _fault.Onset)
        {
            return;
        }

        bool onset = step == _fault.Onset;
        using var _ = no_grad();
        switch (_fault.Kind.Name)
        {
            case "nan-weight" when onset:
                Parameter($"{Block}.fc.weight").view(-1).narrow(0, 0, 1).fill_(s_nan);
                break;
            case "inf-weight" when onset:
                Parameter($"{Block}.fc.weight").view(-1).narrow(0, 0, 1).fill_(s_infinity);
                break;
            case "lr-x10" or "lr-x100" or "lr-x1000" when onset:
                double factor = _fault.Kind.Name switch { "lr-x10" => 10, "lr-x100" => 100, _ => 1000 };
                foreach (var group in _optimizer.ParamGroups)
                {
                    group.LearningRate *= factor;
                }

                break;
            case "dead-relu":
                Parameter($"{_net.FeederPath(_fault.Block)}.bias").fill_(s_sunkBias);
                break;
            case "saturate" when onset:
                Parameter($"{_net.FeederPath(_fault.Block)}.weight").mul_(s_saturatingGain);
                Parameter($"{_net.FeederPath(_fault.Block)}.bias").mul_(s_saturatingGain);
                break;
            case "frozen" when onset:
                _frozenWeights = Parameter($"{Block}.fc.weight").detach().clone().DetachFromDisposeScope();
                break;
        }
    }

    public Tensor Input(Tensor input)
    {
        if (Active && _fault!.Kind.Name == "nan-input")
        {
            var poisoned = input.clone();
            poisoned.view(-1).narrow(0, 0, 1).fill_(s_nan);
            return poisoned;
        }

        return input;
    }

    /// <summary>The step's loss, possibly made by a numerically unsafe loss function: log(0) of the outputs.</summary>
    public Tensor Loss(Tensor loss, Tensor output) =>
        Active && _fault!.Kind.Name == "loss-log0" ? loss.add(output.mul(s_zero).sum().log()) : loss;

    public void AfterBackward()
    {
        if (!Active || Parameter($"{Block}.fc.weight").grad is not { } grad)
        {
            return;
        }

        double factor = _fault!.Kind.Name switch
        {
            "grad-blowup" => Math.Pow(10, 2 + ((double)(_step - _fault.Onset) / _every)),
            "grad-creep" => Math.Pow(_fault.Rate, _step - _fault.Onset),
            _ => 1,
        };
        if (factor != 1)
        {
            using var _ = no_grad();
            using Scalar scale = factor;
            grad.mul_(scale);
        }
    }

    public void AfterOptimizerStep()
    {
        if (!Active)
        {
            return;
        }

        using var _ = no_grad();
        if (_frozenWeights is not null)
        {
            Parameter($"{Block}.fc.weight").copy_(_frozenWeights);
        }

    }

    public void Dispose()
    {
        _frozenWeights?.Dispose();
        _hook?.Dispose();
    }

    private Tensor Parameter(string name) => _net.named_parameters().Single(p => p.name == name).parameter;

    private sealed class Remover(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
