using System.Runtime.CompilerServices;

namespace TrainWatch.Events;

/// <summary>
/// The byte arrays that carry encoded summaries from the caller, who copies a summary into one when it queues it, to
/// the writer thread, which gives it back once the record is in its batch. A watcher's sample step is one summary of
/// tens to hundreds of kilobytes: a new array each time would be garbage that outlives the youngest generation (it
/// waits in the queue for the writer), or a large-object allocation.
/// </summary>
/// <remarks>
/// Arrays are kept up to <see cref="KeptBytes"/> in all: the writer is woken once a batch's worth of records is queued
/// (or at once for a record over 64 KB), so about that much is ever in flight, and with small summaries that is dozens
/// of arrays. Giving one back allocates nothing, as the writer thread must not (docs/reliability.md).
/// </remarks>
internal sealed class EncodedSummaryBuffers
{
    /// <summary>The most bytes kept in arrays waiting to be rented again.</summary>
    public const long KeptBytes = 2L << 20;

    private const int Slots = 64;

    // Lock-free: the writer thread gives arrays back one by one while the caller rents, and a lock between them made the
    // caller wait on the writer (Monitor's slow path, ~12 % of queuing a sample's summary in a trace).
    private readonly byte[]?[] _free = new byte[Slots][];
    private long _keptBytes;

    /// <summary>An array of at least <paramref name="length"/> bytes: a kept one when there is one long enough.</summary>
    public byte[] Rent(int length)
    {
        for (int i = 0; i < Slots; i++)
        {
            if (Volatile.Read(ref _free[i]) is null)
            {
                continue;
            }

            var array = Interlocked.Exchange(ref _free[i], null);
            if (array is null)
            {
                continue;
            }

            Interlocked.Add(ref _keptBytes, -array.Length);
            if (array.Length >= length)
            {
                return array;
            }

            // Shorter than the summaries have grown to: let go.
        }

        // A quarter more: a summary that grows by a value or two does not need a new array each time.
        return new byte[length + (length / 4)];
    }

    /// <summary>Keeps <paramref name="array"/> for a later <see cref="Rent"/>, unless enough are kept already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Return(byte[] array)
    {
        if (Interlocked.Add(ref _keptBytes, array.Length) <= KeptBytes)
        {
            for (int i = 0; i < Slots; i++)
            {
                if (Interlocked.CompareExchange(ref _free[i], array, null) is null)
                {
                    return;
                }
            }
        }

        Interlocked.Add(ref _keptBytes, -array.Length);
    }
}
