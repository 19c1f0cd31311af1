namespace TrainWatch.Tests.Support;

/// <summary>
/// Tests that time the writer on the real clock run after the parallel ones, alone: on a two-core machine the other
/// tests of this process would take the writer thread's CPU and measure the machine, not the writer.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "RunsAlone";
}
