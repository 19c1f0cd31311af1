using System.Buffers;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Records;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The hand-written scalar encoding against Google.Protobuf's: for every combination of awkward wall times, steps,
/// tags and values, the framed record must be the same bytes as serializing the equivalent <see cref="Event"/>.
/// </summary>
public class ScalarEventEncoderTests
{
    private static readonly double[] s_wallTimes = [0.0, -0.0, 1.7e9 + 0.123456, 1e-300, double.NaN, -5.5, double.MaxValue];
    private static readonly long[] s_steps = [0, 1, 127, 128, 16_383, 16_384, int.MaxValue, long.MaxValue, -1, long.MinValue];
    private static readonly float[] s_values = [0f, -0f, 1e-3f, -2.5f, float.Epsilon, float.MaxValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC0_0001)];
    private static readonly string[] s_tags = ["loss", "a", "train/loss/é", "日本語/損失", "emoji 😀 tag", new string('x', 127), new string('y', 128), new string('z', 1024), new string('é', 1000)];

    [Fact]
    public void Bytes_equal_google_protobufs_for_every_combination()
    {
        foreach (double wallTime in s_wallTimes)
        {
            foreach (long step in s_steps)
            {
                foreach (float value in s_values)
                {
                    foreach (string tag in s_tags)
                    {
                        AssertSameBytes(wallTime, step, tag, value);
                    }
                }
            }
        }
    }

    [Fact]
    public void Random_scalars_encode_like_google_protobuf()
    {
        var random = new Random(17);
        for (int i = 0; i < 20_000; i++)
        {
            double wallTime = random.Next(10) == 0 ? 0 : random.NextDouble() * 2e9;
            long step = random.Next(3) switch
            {
                0 => random.Next(),
                1 => random.NextInt64(long.MinValue, long.MaxValue),
                _ => random.Next(300),
            };
            float value = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            string tag = new(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (char)random.Next(0x20, 0xD7FF)).ToArray());
            AssertSameBytes(wallTime, step, tag, value);
        }
    }

    [Fact]
    public void Records_append_one_after_another_and_read_back_with_valid_crcs()
    {
        var buffer = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 100; i++)
        {
            int appended = ScalarEventEncoder.AppendFramed(buffer, 1.7e9 + i, i, $"tag{i % 7}", i * 0.5f);
            Assert.True(appended > TfRecordFormat.Overhead);
        }

        var reader = new EventFileReader(new MemoryStream(buffer.WrittenSpan.ToArray()), "encoded");
        var events = reader.ReadEvents().ToList();
        Assert.Equal(EventFileState.Intact, reader.State);
        Assert.Equal(100, events.Count);
        for (int i = 0; i < 100; i++)
        {
            var value = Assert.Single(events[i].Event.Summary.Value);
            Assert.Equal(($"tag{i % 7}", i * 0.5f, (long)i), (value.Tag, value.SimpleValue, events[i].Event.Step));
        }
    }

    private static void AssertSameBytes(double wallTime, long step, string tag, float value)
    {
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = value });
        byte[] expected = EventSerializer.Frame(new Event { WallTime = wallTime, Step = step, Summary = summary });

        var buffer = new ArrayBufferWriter<byte>();
        int appended = ScalarEventEncoder.AppendFramed(buffer, wallTime, step, tag, value);

        Assert.Equal(expected.Length, appended);
        Assert.True(expected.AsSpan().SequenceEqual(buffer.WrittenSpan), $"wall {wallTime:R}, step {step}, tag '{tag}', value {value:R}");
        Assert.Equal(Crc32C.Mask(ReferenceCrc32C.Compute(buffer.WrittenSpan[TfRecordFormat.HeaderSize..^TfRecordFormat.FooterSize])), BitConverter.ToUInt32(buffer.WrittenSpan[^TfRecordFormat.FooterSize..]));
    }
}
