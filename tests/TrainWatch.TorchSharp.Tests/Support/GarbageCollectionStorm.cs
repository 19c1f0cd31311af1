using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>
/// With <c>TRAINWATCH_GC_STORM=1</c> (scripts/gc-storm.sh sets it), a background thread forces garbage collections
/// without pause for the whole test run.
/// </summary>
/// <remarks>
/// Why: a TorchSharp object that is not rooted while libtorch uses it (a temporary Scalar, a tensor made outside a
/// dispose scope) fails only when a collection lands inside that call, perhaps once in 10^5 calls; a storm makes that
/// happen within minutes. Off by default: the storm also exposes TorchSharp's own temporaries (BatchNorm's forward,
/// SGD's step), which fail the example's runs now and then.
/// </remarks>
internal static class GarbageCollectionStorm
{
    public const string Variable = "TRAINWATCH_GC_STORM";

    [ModuleInitializer]
    internal static void StartWhenAsked()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return;
        }

        var thread = new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(1);
            }
        })
        {
            IsBackground = true,
            Name = "garbage collection storm",
        };
        thread.Start();
    }
}
