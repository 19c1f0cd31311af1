using Microsoft.Extensions.Time.Testing;
using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.Projector;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Tabs;

/// <summary>
/// The projector on a disk that refuses a write (issue 16: it kept creating snapshot folders on a full disk): a failed
/// snapshot leaves nothing behind, the next ones are skipped without touching the disk until the retry delay has
/// passed, and the config never lists what is not there.
/// </summary>
public sealed class ProjectorFailingDiskTests
{
    private static ProjectorEmbedding Embedding(int step) =>
        new($"step {step}", Enumerable.Range(0, 8).Select(i => i * 0.5f).ToArray(), 4, 2)
        {
            Metadata = [new ProjectorMetadataColumn("label", ["a", "b", "c", "d"])],
            Sprite = SpriteSheet.Build(new byte[4 * 6 * 5 * 3], 4, height: 6, width: 5),
        };

    [Fact]
    public void A_failed_snapshot_is_removed_and_later_ones_wait_for_the_retry_delay()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        var writer = new ProjectorWriter(dir.Path, int.MaxValue, clock);
        writer.Add("0", Embedding(0));
        string config = dir.Combine(ProjectorWriter.ConfigFileName);
        string before = File.ReadAllText(config);

        // The config's temporary file cannot be created: the write fails after the snapshot's own files were written.
        string blocker = dir.Combine($"{ProjectorWriter.ConfigFileName}.{Environment.ProcessId}.tmp");
        Directory.CreateDirectory(blocker);
        var failed = Record.Exception(() => writer.Add("20", Embedding(20)));
        Assert.True(failed is IOException or UnauthorizedAccessException, $"{failed}");
        Assert.False(Directory.Exists(dir.Combine("20")), "the failed snapshot's folder is removed");
        Assert.Equal(["0/tensors.tsv"], writer.Embeddings.Select(e => e.TensorPath));

        // Inside the retry delay nothing is attempted: no folder, no file, and a quick, specific exception.
        Assert.IsType<SkippedWriteException>(Record.Exception(() => writer.Add("40", Embedding(40))));
        Assert.False(Directory.Exists(dir.Combine("40")));
        Assert.Equal(before, File.ReadAllText(config));

        clock.Advance(EventWriterOptions.Default.RetryDelay);
        Directory.Delete(blocker);
        writer.Add("60", Embedding(60));
        var listed = ProjectorFiles.ParseConfig(File.ReadAllText(config));
        Assert.Equal(["0/tensors.tsv", "60/tensors.tsv"], listed.Select(e => e.TensorPath));
        Assert.Equal(["0", "60"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
