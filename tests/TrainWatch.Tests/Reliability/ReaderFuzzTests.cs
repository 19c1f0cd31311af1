using TrainWatch.Events;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Reliability;

/// <summary>
/// Randomly damaged event files never make the reader throw: it yields the valid records before the damage and then
/// says, with a byte offset, whether the file is cut short or corrupt.
/// </summary>
public class ReaderFuzzTests
{
    private static byte[] ValidFile()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(dir.Path))
        {
            path = writer.FilePath;
            var random = new Random(5);
            for (int i = 0; i < 40; i++)
            {
                writer.AddScalar($"loss/{i % 3}", random.NextDouble(), i);
                if (i % 10 == 0)
                {
                    writer.AddHistogram("w", Enumerable.Range(0, 100).Select(_ => (float)random.NextDouble()).ToArray(), i);
                    writer.AddText("note", $"step {i}", i);
                }
            }
        }

        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Ten_thousand_mutated_and_truncated_files_read_without_an_exception()
    {
        byte[] original = ValidFile();
        int intactCount = new EventFileReader(new MemoryStream(original), "original").ReadEvents().Count();
        var random = new Random(2026);
        var outcomes = new Dictionary<EventFileState, int>();

        for (int trial = 0; trial < 10_000; trial++)
        {
            byte[] mutated = Mutate(original, random);
            using var reader = new EventFileReader(new MemoryStream(mutated), $"trial {trial}");
            var events = reader.ReadEvents().ToList(); // must not throw

            outcomes[reader.State] = outcomes.GetValueOrDefault(reader.State) + 1;
            Assert.True(events.Count <= intactCount + 1);
            if (reader.State != EventFileState.Intact)
            {
                Assert.NotNull(reader.ProblemOffset);
                Assert.InRange(reader.ProblemOffset!.Value, 0, mutated.Length);
                Assert.False(string.IsNullOrWhiteSpace(reader.Problem));
            }

            // Every event yielded lies before the problem.
            Assert.All(events, e => Assert.True(reader.ProblemOffset is null || e.Offset < reader.ProblemOffset));
        }

        // The mutations exercised every outcome.
        Assert.True(outcomes.GetValueOrDefault(EventFileState.Corrupt) > 1000, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(EventFileState.TruncatedTail) > 1000, string.Join(", ", outcomes));
    }

    [Fact]
    public void Random_garbage_and_empty_input_are_handled()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 2_000; trial++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            using var reader = new EventFileReader(new MemoryStream(bytes), "garbage");
            var events = reader.ReadEvents().ToList();

            // Random bytes practically never carry a valid length CRC: nothing is yielded, and the reader says why.
            Assert.Empty(events);
            var expected = bytes.Length switch
            {
                0 => EventFileState.Intact,
                < 12 => EventFileState.TruncatedTail,
                _ => EventFileState.Corrupt,
            };
            Assert.Equal(expected, reader.State);
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        switch (random.Next(4))
        {
            case 0: // flip bits
                for (int i = random.Next(1, 4); i > 0; i--)
                {
                    int at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1: // truncate
                int keep = random.Next(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
            case 2: // insert junk
                bytes.InsertRange(random.Next(bytes.Count), Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                break;
            default: // delete a run
                int start = random.Next(bytes.Count);
                bytes.RemoveRange(start, Math.Min(random.Next(1, 32), bytes.Count - start));
                break;
        }

        return bytes.ToArray();
    }
}
