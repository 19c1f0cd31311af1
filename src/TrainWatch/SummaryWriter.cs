using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch;

/// <summary>
/// Writes TensorBoard summaries into a run directory. Every method only checks its arguments, copies what it must and
/// queues the work: bucketing, serialization and disk I/O (and the PNG encoding of TrainWatch.Imaging's pictures) happen on the writer's background thread.
/// Thread-safe.
/// </summary>
/// <example>
/// <code>
/// await using var writer = new SummaryWriter("runs/exp1");
/// writer.AddScalar("loss", 0.25, step: 100);
/// writer.AddHistogram("fc1.weight", weights, step: 100);
/// </code>
/// </example>
public sealed partial class SummaryWriter : IDisposable, IAsyncDisposable
{
    private readonly EventWriterOptions _options;
    private readonly EventFileWriter _main;
    private readonly ConcurrentDictionary<string, Lazy<EventFileWriter>> _seriesWriters = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>
    /// Creates the run directory and its event file. Fails fast — before training starts — when the directory cannot be
    /// created or written.
    /// </summary>
    /// <exception cref="IOException">The log directory cannot be created or written.</exception>
    public SummaryWriter(string logDirectory, EventWriterOptions? options = null)
    {
        _options = options ?? EventWriterOptions.Default;
        _main = new EventFileWriter(logDirectory, _options);
    }

    /// <summary>The run directory (absolute).</summary>
    public string LogDirectory => _main.RunDirectory;

    /// <summary>The event file being written.</summary>
    public string FilePath => _main.FilePath;

    /// <summary>What the main event file's writer has done so far.</summary>
    public EventWriterStatistics Statistics => _main.Statistics;

    /// <summary>Logs a scalar.</summary>
    // On every scalar's path: compiled fully optimised from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddScalar(string tag, double value, long step, DateTimeOffset? wallTime = null) =>
        _main.WriteScalar(SummaryTag.Validate(tag), (float)value, step, wallTime is { } t ? WallClock.ToUnixSeconds(t) : WallClock.Now());

    /// <summary>
    /// Logs several series under one chart, as tensorboardX does: each series goes to its own sub-run
    /// <c>&lt;logdir&gt;/&lt;mainTag&gt;_&lt;series&gt;</c> under the tag <paramref name="mainTag"/>, so TensorBoard overlays them.
    /// </summary>
    public void AddScalars(string mainTag, IEnumerable<KeyValuePair<string, double>> series, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        string tag = SummaryTag.Validate(mainTag);
        double time = wallTime is { } t ? WallClock.ToUnixSeconds(t) : WallClock.Now();
        foreach (var (name, value) in series)
        {
            // After Dispose no new sub-run may be created: the closed main writer counts the event as dropped.
            var writer = Volatile.Read(ref _disposed) != 0 ? _main : SeriesWriter(SummaryTag.ToRunName($"{tag.Replace('/', '_')}_{name}"));
            writer.WriteScalar(tag, (float)value, step, time);
        }
    }

    private EventFileWriter SeriesWriter(string runName) =>
        _seriesWriters.GetOrAdd(runName, n => new Lazy<EventFileWriter>(() => new EventFileWriter(Path.Combine(LogDirectory, n), _options))).Value;

    /// <summary>
    /// Logs a histogram of <paramref name="values"/> on TensorBoard's default exponential buckets. NaN and ±∞ are
    /// left out and written as <c>&lt;tag&gt;/nan_count</c>, <c>pos_inf_count</c>, <c>neg_inf_count</c> scalars; an empty
    /// input writes nothing. The values are copied; bucketing happens on the writer thread (a large input is split over
    /// the thread pool there, see <see cref="HistogramSummary.FromValues{T}(ReadOnlySpan{T}, out NonFiniteCounts)"/>).
    /// </summary>
    public void AddHistogram(string tag, ReadOnlySpan<float> values, long step) => AddHistogramOf(tag, values, step);

    /// <inheritdoc cref="AddHistogram(string, ReadOnlySpan{float}, long)"/>
    public void AddHistogram(string tag, ReadOnlySpan<double> values, long step) => AddHistogramOf(tag, values, step);

    /// <summary>Logs a histogram whose buckets were counted elsewhere (for example on the GPU).</summary>
    /// <exception cref="ArgumentException">The buckets are inconsistent.</exception>
    public void AddHistogram(string tag, HistogramData buckets, long step)
    {
        string checkedTag = SummaryTag.Validate(tag);
        var histogram = HistogramSummary.FromBuckets(buckets);
        if (histogram is not null)
        {
            _main.Write(ToEvent(step, null, new Summary { Value = { HistogramSummary.ToValue(checkedTag, histogram) } }));
        }
    }

    /// <summary>Logs an already encoded PNG.</summary>
    /// <exception cref="ArgumentException">The bytes are not a PNG.</exception>
    public void AddImage(string tag, ReadOnlySpan<byte> png, long step) =>
        _main.Write(ToEvent(step, null, ImageSummary.Build(tag, png)));

    /// <summary>Logs markdown text (TensorBoard's Text tab).</summary>
    public void AddText(string tag, string markdown, long step) =>
        _main.Write(ToEvent(step, null, TextSummary.Build(tag, markdown)));

    /// <summary>Logs a summary built by the caller (any plugin).</summary>
    public void AddSummary(Summary summary, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _main.Write(ToEvent(step, wallTime, summary));
    }

    /// <summary>
    /// Logs the values <paramref name="encode"/> adds to a <see cref="SummaryEncoder"/>, encoded on the calling thread
    /// with no message built: the cheapest way to write many values at one step (see
    /// <see cref="EventFileWriter.WriteEncoded"/>).
    /// </summary>
    public void AddEncoded(long step, Action<SummaryEncoder> encode) => _main.WriteEncoded(step, encode);

    /// <summary>Logs a summary that the writer thread builds later (heavy work stays off the caller's thread).</summary>
    public void AddDeferred(long step, Func<Summary?> build, long estimatedBytes) =>
        _main.WriteDeferred(step, build, estimatedBytes);

    /// <summary>
    /// Builds the deferred summaries (<see cref="AddDeferred"/>) this thread logs until the returned scope is disposed
    /// side by side, when it is disposed, and logs them in their order: for a writer that builds on the caller's thread
    /// (<see cref="EventWriterOptions.BuildOnCallerThread"/>), a picture step's many independent images (see
    /// <see cref="EventFileWriter.BeginBuildBatch"/>).
    /// </summary>
    public IDisposable BeginBuildBatch() => _main.BeginBuildBatch();

    /// <summary>Waits until everything logged so far is in the files and on the disk.</summary>
    public void Flush()
    {
        _main.Flush();
        foreach (var writer in CreatedSeriesWriters())
        {
            writer.Flush();
        }
    }

    /// <summary>Waits until everything logged so far is written to the files, without the fsync (see <see cref="EventFileWriter.FlushToFile"/>).</summary>
    internal void FlushToFile()
    {
        _main.FlushToFile();
        foreach (var writer in CreatedSeriesWriters())
        {
            writer.FlushToFile();
        }
    }

    /// <inheritdoc cref="Flush"/>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _main.FlushAsync(cancellationToken).ConfigureAwait(false);
        foreach (var writer in CreatedSeriesWriters())
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes everything queued, fsyncs and closes the files. Safe to call more than once. The run's files are closed
    /// side by side, so a failing disk holds this call for one <see cref="EventWriterOptions.DrainTimeout"/>, not one per sub-run.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        var closing = CreatedSeriesWriters().Prepend(_main).Select(writer => writer.DisposeAsync().AsTask()).ToList();
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    private IEnumerable<EventFileWriter> CreatedSeriesWriters() =>
        _seriesWriters.Values.Where(lazy => lazy.IsValueCreated).Select(lazy => lazy.Value);

    private void AddHistogramOf<T>(string tag, ReadOnlySpan<T> values, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string checkedTag = SummaryTag.Validate(tag);
        if (values.IsEmpty)
        {
            return;
        }

        // Why a pooled copy: the caller may reuse its buffer as soon as we return; bucketing waits for the writer thread.
        int length = values.Length;
        T[] copy = ArrayPool<T>.Shared.Rent(length);
        values.CopyTo(copy);
        _main.WriteDeferred(step, () =>
        {
            try
            {
                var histogram = HistogramSummary.FromValues<T>(copy.AsMemory(0, length), out var nonFinite);
                return HistogramSummary.Build(checkedTag, histogram, nonFinite);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(copy);
            }
        }, (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
    }

    private static Event ToEvent(long step, DateTimeOffset? wallTime, Summary summary) => new()
    {
        Step = step,
        WallTime = wallTime is { } t ? WallClock.ToUnixSeconds(t) : WallClock.Now(),
        Summary = summary,
    };
}
