using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// Issue 27: with TrainWatch attached, a user's Adam loop died in its own <c>optimizer.step()</c> in half its runs. A
/// garbage collection started by TrainWatch's writer thread while the training thread was inside a TorchSharp call
/// let the finalizer free that call's temporary <c>Scalar</c> (docs/reliability.md). The watcher must therefore leave
/// the writer thread nothing to allocate: summaries are built on the training thread, and the writer loop itself
/// allocates nothing once it runs steadily. Deterministic: it counts bytes, it does not wait for the crash.
/// </summary>
public sealed class WriterThreadAllocationTests
{
    [Fact]
    public void The_writer_thread_allocates_nothing_while_a_watched_model_trains()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.Adam(model.parameters(), 1e-3);

        // Every feature on, and due often, so that the measured window holds pictures, histories and the projector too.
        var options = new WatchOptions
        {
            AlertsToConsole = false,
            Logger = new ListLogger(),
            Pictures = new PictureOptions { EverySteps = 4 },
            History = new HistoryOptions { EverySteps = 4 },
            Projector = new ProjectorOptions { EverySteps = 4 },
        };
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, options);
        var generator = new Generator(7);
        Train(model, optimizer, watch, generator, 12); // warm-up: buffers grow, tags are first seen, code is compiled
        watch.Writer!.Flush();
        long warm = watch.Writer.Statistics.WriterThreadAllocatedBytes;
        long writtenBefore = watch.Writer.Statistics.EventsWritten;

        for (int round = 0; round < 6; round++)
        {
            Train(model, optimizer, watch, generator, 5);
            watch.Writer.Flush();
        }

        var statistics = watch.Writer.Statistics;
        Assert.True(statistics.EventsWritten > writtenBefore + 60, $"only {statistics.EventsWritten - writtenBefore} events in the window");
        Assert.Equal(0, watch.FailedSamples);
        Assert.Equal(warm, statistics.WriterThreadAllocatedBytes);
    }

    private static void Train(Module<Tensor, Tensor> model, optim.Optimizer optimizer, TrainWatcher watch, Generator generator, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (x, y) = SmallCnn.Batch(8, generator);
            var loss = functional.cross_entropy(model.call(x), y);
            loss.backward();
            watch.Step(loss);
            optimizer.step();
        }
    }
}
