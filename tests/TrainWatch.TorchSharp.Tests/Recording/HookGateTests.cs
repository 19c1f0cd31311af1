using TorchSharp.Modules;
using TrainWatch.TorchSharp.Recording;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Recording;

/// <summary>
/// The recorder's hooks stay registered between sampled steps and pass calls on only while their gate is open, for
/// the common signature written in C# (Linear) and for one compiled from an expression tree (GRU's tuple result).
/// </summary>
public sealed class HookGateTests
{
    [Fact]
    public void A_closed_gate_passes_no_call_on_and_an_open_one_passes_each_with_its_output()
    {
        using var scope = NewDisposeScope();
        using var linear = Linear(3, 2);
        var gate = new HookGate();
        int starts = 0;
        var outputs = new List<object?>();
        var hooks = ModuleHooks.For(linear, gate, () => starts++, (_, output) => outputs.Add(output));
        Assert.NotNull(hooks);
        hooks.Register();
        var x = ones(4, 3);

        linear.call(x);
        Assert.Equal(0, starts);
        Assert.Empty(outputs);

        gate.IsOpen = true;
        var y = linear.call(x);
        Assert.Equal(1, starts);
        Assert.Same(y, Assert.Single(outputs));

        gate.IsOpen = false;
        linear.call(x);
        Assert.Equal(1, starts);
        Assert.Single(outputs);
        hooks.Remove();
    }

    [Fact]
    public void A_compiled_hook_of_a_tuple_result_is_gated_and_returns_the_result_unchanged()
    {
        using var scope = NewDisposeScope();
        using var gru = GRU(3, 4);
        var gate = new HookGate();
        int finishes = 0;
        var hooks = ModuleHooks.For(gru, gate, () => { }, (_, _) => finishes++);
        Assert.NotNull(hooks);
        hooks.Register();
        var x = ones(5, 2, 3);

        var (closedOutput, _) = gru.call(x, null);
        Assert.Equal(0, finishes);
        Assert.Equal([5L, 2, 4], closedOutput.shape);

        gate.IsOpen = true;
        var (openOutput, h) = gru.call(x, null);
        Assert.Equal(1, finishes);
        Assert.Equal([5L, 2, 4], openOutput.shape);
        Assert.Equal([1L, 2, 4], h.shape);
        hooks.Remove();
    }
}
