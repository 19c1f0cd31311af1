using System.Runtime.CompilerServices;

namespace TrainWatch.Events;

/// <summary>Wall time as TensorBoard stores it: fractional seconds since the unix epoch.</summary>
public static class WallClock
{
    /// <summary>Now, with sub-microsecond resolution (TorchSharp's writer rounds to whole seconds).</summary>
    public static double Now() => ToUnixSeconds(DateTime.UtcNow);

    /// <summary>Converts a time to fractional unix seconds.</summary>
    public static double ToUnixSeconds(DateTimeOffset time) => ToUnixSeconds(time.UtcDateTime);

    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ToUnixSeconds(DateTime utc) =>
        (utc.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;
}
