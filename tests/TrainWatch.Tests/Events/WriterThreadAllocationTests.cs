using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// Issue 27: a writer thread that allocates can start a garbage collection while the caller's thread is inside native
/// code that is unsafe under it (TorchSharp's temporary Scalars). With <see cref="EventWriterOptions.BuildOnCallerThread"/>
/// the loop must allocate nothing once warm, whatever it is given: scalars, ready summaries, histograms, images,
/// deferred builds, encoded summaries and flushes.
/// </summary>
public class WriterThreadAllocationTests
{
    [Fact]
    public void With_caller_builds_the_writer_loop_allocates_nothing_once_warm()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true });
        var values = Enumerable.Range(0, 5_000).Select(i => MathF.Sin(i)).ToArray();
        var pixels = new byte[64 * 64];
        double[] counts = values.Take(8).Select(v => (double)Math.Abs(v)).ToArray();
        void Round(long step)
        {
            for (int i = 0; i < 200; i++)
            {
                writer.AddScalar($"scalar/{i % 20}", i, step);
            }

            writer.AddHistogram("histogram", values, step);
            writer.AddImage("image", pixels, 64, 64, PixelFormat.Gray8, step);
            writer.AddText("text", $"step {step}", step);
            writer.AddDeferred(step, () => TextSummary.Build("deferred", "built by the caller"), 64);
            writer.AddEncoded(step, encoder =>
            {
                // A sample step's worth (~300 KB): the array that carries it goes back to be reused, not collected.
                for (int i = 0; i < 2_000; i++)
                {
                    encoder.AddScalar($"encoded/{i % 50}/scalar", i);
                    encoder.AddUniformHistogram($"encoded/{i % 50}/histogram", -1, 1 + step, counts, 0, 1);
                }
            });
            writer.Flush();
        }

        for (long step = 0; step < 5; step++)
        {
            Round(step); // warm-up: the batch buffer grows, tags are first seen
        }

        long warm = writer.Statistics.WriterThreadAllocatedBytes;
        for (long step = 5; step < 25; step++)
        {
            Round(step);
        }

        Assert.Equal(25 * 205, writer.Statistics.EventsWritten); // 200 scalars and 5 summaries a round
        Assert.Equal(warm, writer.Statistics.WriterThreadAllocatedBytes);
    }

    [Fact]
    public void A_batch_larger_than_any_before_does_not_grow_on_the_writer_thread()
    {
        // The crash of issue 27 came at step 1,000 of 1,500: the pictures of that step made the largest batch of the
        // run, and the writer thread grew its buffer, a large-object allocation that started a collection.
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true });
        var random = new Random(5);
        for (long step = 0; step < 5; step++)
        {
            writer.AddScalar("loss", step, step);
            writer.Flush();
        }

        long warm = writer.Statistics.WriterThreadAllocatedBytes;
        for (int i = 0; i < 6; i++)
        {
            var noise = new byte[400 * 400]; // PNG-incompressible: about 160 KB a record, 960 KB together
            random.NextBytes(noise);
            writer.AddImage($"picture/{i}", noise, 400, 400, PixelFormat.Gray8, 5);
        }

        writer.Flush();
        Assert.Equal(11, writer.Statistics.EventsWritten);
        Assert.True(writer.Statistics.BytesWritten > 900_000);
        Assert.Equal(warm, writer.Statistics.WriterThreadAllocatedBytes);
    }

    [Fact]
    public void Builds_on_the_writer_thread_are_counted_as_its_allocations()
    {
        // The positive control: the counter sees what a deferred build allocates on the writer thread.
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        writer.Flush();
        long before = writer.Statistics.WriterThreadAllocatedBytes;
        writer.AddDeferred(0, () => TextSummary.Build("big", new string('x', 100_000)), 200_000);
        writer.Flush();
        Assert.True(writer.Statistics.WriterThreadAllocatedBytes - before >= 200_000);
    }
}
