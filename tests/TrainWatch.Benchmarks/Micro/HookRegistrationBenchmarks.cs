using BenchmarkDotNet.Attributes;
using TrainWatch.TorchSharp.Recording;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// What the forward recorder's hooks cost one module: registering and removing its pre- and post-hook (TorchSharp
/// makes a GUID string for each registration), against a call of the module with its hooks registered but closed
/// (the recorder keeps them so between sampled steps) and without hooks. The module returns its input, so the
/// difference between the two calls is the hooks' own dispatch.
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*HookRegistration*'</c>.
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public class HookRegistrationBenchmarks
{
    private readonly PassThrough _bare = new();
    private readonly PassThrough _hooked = new();
    private readonly HookGate _gate = new();
    private Tensor? _input;
    private ModuleHookSet? _registered;
    private ModuleHookSet? _cycled;

    [GlobalSetup]
    public void Setup()
    {
        _input = zeros(1);
        _registered = ModuleHooks.For(_hooked, _gate, () => { }, (_, _) => { })!;
        _registered.Register();
        _cycled = ModuleHooks.For(new PassThrough(), _gate, () => { }, (_, _) => { })!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registered?.Remove();
        _input?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Tensor CallWithoutHooks() => _bare.call(_input!);

    [Benchmark]
    public Tensor CallWithClosedHooks() => _hooked.call(_input!);

    [Benchmark]
    public void RegisterAndRemove()
    {
        _cycled!.Register();
        _cycled.Remove();
    }

    private sealed class PassThrough : Module<Tensor, Tensor>
    {
        public PassThrough() : base(nameof(PassThrough))
        {
        }

        public override Tensor forward(Tensor input) => input;
    }
}
