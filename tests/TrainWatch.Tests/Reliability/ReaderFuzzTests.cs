using FsCheck;
using FsCheck.Fluent;
using TrainWatch.Events;
using TrainWatch.Records;
using TrainWatch.Testing.Fuzz;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Reliability;

/// <summary>
/// Property-based fuzzing of the reader (FsCheck): damaged event files never make it throw — it reports damage through
/// <see cref="EventFileReader.State"/>, not exceptions — it returns exactly the valid records before the damage, and it
/// loses none of the records that lie wholly before the first damaged byte. A failure prints the shrunk case as the seed
/// name and the C# of its mutations. Seed and case count: see <see cref="FuzzSettings"/> (TRAINWATCH_FUZZ_SEED, TRAINWATCH_FUZZ_CASES).
/// </summary>
public class ReaderFuzzTests
{
    [Fact]
    public void Mutated_and_truncated_files_read_without_an_exception_and_keep_every_record_before_the_damage()
    {
        var outcomes = new int[3];
        var property = Prop.ForAll(FuzzCase.Arbitrary(SeedEventFiles.All), fuzzCase =>
        {
            var seed = fuzzCase.Seed;
            byte[] damaged = fuzzCase.Apply();
            var (events, reader) = ReadWhole(damaged);
            Interlocked.Increment(ref outcomes[(int)reader.State]);

            AssertReadsLikeTheReference(damaged, events, reader);

            // Nothing intact before the damage is lost: the seed's records that end before the first changed byte come back unchanged.
            long firstDamagedByte = CommonPrefixLength(seed.Bytes, damaged);
            var intactBefore = seed.Records.TakeWhile(r => r.End <= firstDamagedByte).ToList();
            Assert.True(events.Count >= intactBefore.Count, $"{events.Count} records read, {intactBefore.Count} lie before the first damaged byte {firstDamagedByte}");
            for (int i = 0; i < intactBefore.Count; i++)
            {
                Assert.Equal(intactBefore[i].Offset, events[i].Offset);
                Assert.Equal(intactBefore[i].Event, events[i].Event);
            }
        });

        Check.One(FuzzSettings.Config(defaultCases: 10_000), property);

        // The generator is worth its cases only if it reaches every outcome often.
        string counts = $"intact {outcomes[0]}, truncated {outcomes[1]}, corrupt {outcomes[2]}";
        Assert.All(outcomes, count => Assert.True(count > FuzzSettings.Cases(10_000) / 20, counts));
    }

    [Fact]
    public void Random_garbage_and_empty_input_read_without_an_exception_and_yield_nothing()
    {
        var garbage = Gen.Choose(0, 200).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n)).ToArbitrary();
        var property = Prop.ForAll(garbage, bytes =>
        {
            var (events, reader) = ReadWhole(bytes);

            AssertReadsLikeTheReference(bytes, events, reader);
            // Random bytes practically never carry a valid length CRC: nothing is yielded, and the reader says why.
            Assert.Empty(events);
            var expected = bytes.Length switch
            {
                0 => EventFileState.Intact,
                < TfRecordFormat.HeaderSize => EventFileState.TruncatedTail,
                _ => EventFileState.Corrupt,
            };
            Assert.Equal(expected, reader.State);
        });

        Check.One(FuzzSettings.Config(defaultCases: 2_000), property);
    }

    private static (List<EventRecord> Events, EventFileReader Reader) ReadWhole(byte[] bytes)
    {
        var reader = new EventFileReader(new MemoryStream(bytes), "fuzzed");
        return (reader.ReadEvents().ToList(), reader);
    }

    // Every record returned has valid CRCs and parses, none is missing, and the problem is reported where it is.
    private static void AssertReadsLikeTheReference(byte[] bytes, List<EventRecord> events, EventFileReader reader)
    {
        var reference = ReferenceRecordWalk.Of(bytes, TfRecordReader.MaxPayloadLength);
        Assert.Equal(reference.Records.Select(r => r.Offset), events.Select(e => e.Offset));
        Assert.Equal(reference.Records.Select(r => r.Event), events.Select(e => e.Event));
        Assert.Equal(reference.State, reader.State);
        Assert.Equal(reference.ProblemOffset, reader.ProblemOffset);
        if (reader.State == EventFileState.Intact)
        {
            Assert.Equal(bytes.Length, reader.ValidLength);
        }
        else
        {
            Assert.Equal(reader.ProblemOffset, reader.ValidLength);
            Assert.False(string.IsNullOrWhiteSpace(reader.Problem));
        }
    }

    private static long CommonPrefixLength(byte[] a, byte[] b) => a.AsSpan().CommonPrefixLength(b);
}
