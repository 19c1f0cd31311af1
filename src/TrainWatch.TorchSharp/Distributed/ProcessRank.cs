namespace TrainWatch.TorchSharp.Distributed;

/// <summary>Which rank this process is in a multi-process job, by the torchrun convention (RANK, WORLD_SIZE).</summary>
/// <param name="Rank">This process's global rank (0 when not distributed).</param>
/// <param name="WorldSize">Number of processes (1 when not distributed).</param>
public readonly record struct ProcessRank(int Rank, int WorldSize)
{
    /// <summary>Reads RANK and WORLD_SIZE; a single process when they are absent or malformed.</summary>
    public static ProcessRank FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>Reads the variables through <paramref name="lookup"/> (testable).</summary>
    public static ProcessRank FromVariables(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        bool hasRank = int.TryParse(lookup("RANK"), out int rank) && rank >= 0;
        bool hasWorld = int.TryParse(lookup("WORLD_SIZE"), out int world) && world >= 1;
        return hasRank && hasWorld && rank < world ? new ProcessRank(rank, world) : new ProcessRank(0, 1);
    }

    /// <summary>Whether this is one process of several.</summary>
    public bool IsDistributed => WorldSize > 1;
}

/// <summary>Which processes of a multi-process job write.</summary>
public enum RankPolicy
{
    /// <summary>Only rank 0 writes (default): one run, no duplicates.</summary>
    RankZeroOnly,

    /// <summary>Every rank writes its own sub-run <c>&lt;logdir&gt;/rank&lt;N&gt;</c>.</summary>
    EachRankOwnRun,
}
