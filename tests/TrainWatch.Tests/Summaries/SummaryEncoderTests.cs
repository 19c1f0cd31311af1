using Google.Protobuf;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Tests.Summaries;

/// <summary>
/// The values a <see cref="SummaryEncoder"/> writes against Google.Protobuf's serialization of the messages the other
/// builders make (<see cref="ScalarSummary.ToValue"/>, <see cref="HistogramSummary.FromUniformBuckets"/>): for awkward
/// tags, values, ranges and bucket counts, the encoded summary must be the same bytes.
/// </summary>
public class SummaryEncoderTests
{
    private static readonly string[] s_tags = ["loss", "a", "weights/fc1.weight/histogram", "日本語/損失", "emoji 😀 tag", new string('x', 127), new string('y', 128), new string('é', 1000), "needs cleaning\u0001", new string('z', 2000)];
    private static readonly double[] s_values = [0.0, -0.0, 1e-3, -2.5, double.Epsilon, double.MaxValue, 1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [Fact]
    public void Scalars_are_the_bytes_of_google_protobufs_summary()
    {
        var encoder = new SummaryEncoder(initialCapacity: 16); // small: the buffer must grow many times on the way
        var expected = new Summary();
        foreach (string tag in s_tags)
        {
            foreach (double value in s_values)
            {
                encoder.AddScalar(tag, value);
                expected.Value.Add(ScalarSummary.ToValue(tag, value));
            }
        }

        Assert.Equal(expected.ToByteArray(), encoder.Encoded.ToArray());
        Assert.Equal(expected.Value.Count, encoder.Count);
        Assert.Equal(expected.Value.Select(v => v.Tag), encoder.Tags);
        Assert.Equal(expected, encoder.ToSummary());
    }

    [Fact]
    public void Tags_kept_from_earlier_values_and_more_tags_than_are_kept_give_the_same_bytes_after_every_clear()
    {
        // The encoder keeps each tag object's checked UTF-8 form, up to a bound: the kept, the new, the dirty and those
        // past the bound must all encode as Google.Protobuf does, in every reuse of the encoder.
        var tags = Enumerable.Range(0, 9000).Select(i => i % 1000 == 0 ? $"bell\u0007{i}" : $"layer{i}/weight/mean").ToArray();
        var encoder = new SummaryEncoder();
        for (int round = 0; round < 3; round++)
        {
            encoder.Clear();
            var expected = new Summary();
            for (int i = 0; i < tags.Length; i++)
            {
                string tag = round == 2 && i % 2 == 0 ? new string(tags[i].AsSpan()) : tags[i]; // equal text, another object
                encoder.AddScalar(tag, i + round);
                expected.Value.Add(ScalarSummary.ToValue(tag, i + round));
                if (i % 100 == 0)
                {
                    Assert.True(encoder.AddUniformHistogram(tag, -1, 1, [1, 0, 2], 0.5, 3));
                    expected.Value.Add(HistogramSummary.ToValue(tag, HistogramSummary.FromUniformBuckets(-1, 1, [1, 0, 2], 0.5, 3)!));
                }
            }

            Assert.Equal(expected.ToByteArray(), encoder.Encoded.ToArray());
            Assert.Equal(expected.Value.Select(v => v.Tag), encoder.Tags);
        }

        Assert.Equal("bell_0", encoder.Tags[0]);
    }

    [Fact]
    public void Prepared_tags_give_the_bytes_of_google_protobufs_summary_and_of_the_same_values_under_their_strings()
    {
        // A caller that holds its tags prepared (a watcher) must write what Google.Protobuf and the string overloads
        // write: every awkward tag of s_tags (long, multi-byte, dirty), scalars, uniform and bucket histograms, over two
        // reuses of the encoder.
        var prepared = s_tags.Select(t => new PreparedTag(t)).ToArray();
        var byString = new SummaryEncoder();
        var byPrepared = new SummaryEncoder(initialCapacity: 8);
        var data = new HistogramData([-1, 0, 0.5, 2], [3, 0, 1], -1, 2, 0.25, 7);
        for (int round = 0; round < 2; round++)
        {
            byString.Clear();
            byPrepared.Clear();
            var expected = new Summary();
            for (int i = 0; i < s_tags.Length; i++)
            {
                byString.AddScalar(s_tags[i], s_values[i] + round);
                byPrepared.AddScalar(prepared[i], s_values[i] + round);
                expected.Value.Add(ScalarSummary.ToValue(s_tags[i], s_values[i] + round));
                Assert.True(byString.AddUniformHistogram(s_tags[i], -1, 1 + round, [1, 0, 2], 0.5, 3));
                Assert.True(byPrepared.AddUniformHistogram(prepared[i], -1, 1 + round, [1, 0, 2], 0.5, 3));
                expected.Value.Add(HistogramSummary.ToValue(s_tags[i], HistogramSummary.FromUniformBuckets(-1, 1 + round, [1, 0, 2], 0.5, 3)!));
                Assert.False(byPrepared.AddUniformHistogram(prepared[i], -1, 1, [0, 0, 0], 0, 0));
                Assert.True(byString.AddHistogram(s_tags[i], data));
                Assert.True(byPrepared.AddHistogram(prepared[i], data));
                expected.Value.Add(HistogramSummary.ToValue(s_tags[i], HistogramSummary.FromBuckets(data)!));
            }

            Assert.Equal(expected.ToByteArray(), byPrepared.Encoded.ToArray());
            Assert.Equal(expected.ToByteArray(), byString.Encoded.ToArray());
            Assert.Equal(expected.Value.Select(v => v.Tag), byPrepared.Tags);
            Assert.Equal(3 * s_tags.Length, byPrepared.Count);
        }

        // The text is Validate's: a dirty tag is cleaned once, at construction; a tag with no text is refused there.
        Assert.Equal("needs cleaning_", prepared[8].Text);
        Assert.Equal(SummaryTag.Validate(s_tags[^1]), prepared[^1].Text);
        Assert.Throws<ArgumentException>(() => new PreparedTag(" "));
        Assert.Throws<ArgumentNullException>(() => byPrepared.AddScalar((PreparedTag)null!, 1));
    }

    [Fact]
    public void Random_uniform_histograms_are_the_bytes_of_from_uniform_buckets()
    {
        var random = new Random(23);
        var encoder = new SummaryEncoder();
        var expected = new Summary();
        for (int i = 0; i < 3000; i++)
        {
            int bins = random.Next(4) switch { 0 => 1, 1 => 64, 2 => random.Next(1, 40), _ => 2100 }; // 2100: a packed length over 16 KB
            double min = random.Next(5) switch { 0 => 0.0, 1 => -0.0, _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)) };
            double max = min + (random.Next(6) == 0 ? Math.Abs(min) * 1e-3 + 1e-300 : random.NextDouble() * Math.Pow(10, random.Next(-20, 20)));
            var counts = new double[bins];
            int first = random.Next(bins), last = random.Next(first, bins); // empty buckets at either end are trimmed
            for (int k = first; k <= last; k++)
            {
                counts[k] = random.Next(3) == 0 ? 0 : random.Next(4) == 0 ? Math.Round(random.NextDouble() * 1e12) : random.Next(1, 1000);
            }

            double sum = random.Next(4) == 0 ? 0 : (random.NextDouble() - 0.5) * 1e6, squares = random.Next(4) == 0 ? -0.0 : random.NextDouble() * 1e9;
            string tag = $"layer{i % 37}/histogram";
            if (!HistogramSummary.HasDistinctUniformEdges(min, max, bins))
            {
                continue;
            }

            bool added = encoder.AddUniformHistogram(tag, min, max, counts, sum, squares);
            var proto = HistogramSummary.FromUniformBuckets(min, max, counts, sum, squares);
            Assert.Equal(proto is not null, added);
            if (proto is not null)
            {
                expected.Value.Add(HistogramSummary.ToValue(tag, proto));
            }
        }

        Assert.True(expected.Value.Count > 2000, $"only {expected.Value.Count} histograms were compared");
        Assert.Equal(expected.ToByteArray(), encoder.Encoded.ToArray());
    }

    [Fact]
    public void Random_bucket_histograms_are_the_bytes_of_from_buckets()
    {
        var random = new Random(29);
        var encoder = new SummaryEncoder();
        var expected = new Summary();
        for (int i = 0; i < 2000; i++)
        {
            int bins = random.Next(3) == 0 ? 1 : random.Next(1, 80);
            var edges = new double[bins + 1];
            edges[0] = random.Next(4) == 0 ? 0 : (random.NextDouble() - 0.5) * 100;
            for (int k = 1; k <= bins; k++)
            {
                edges[k] = edges[k - 1] + 1e-6 + random.NextDouble();
            }

            var counts = new double[bins];
            int first = random.Next(bins), last = random.Next(first, bins);
            for (int k = first; k <= last; k++)
            {
                counts[k] = random.Next(3) == 0 ? 0 : random.Next(1, 10_000);
            }

            // The watcher's form for a constant tensor (no distinct edges): one bucket just wide enough.
            var data = random.Next(5) == 0
                ? new HistogramData([edges[0], edges[0] + 1e-12], [random.Next(0, 3)], edges[0], edges[0], 0, 0)
                : new HistogramData(edges, counts, edges[0], edges[^1], random.NextDouble(), random.Next(2) * random.NextDouble());
            bool added = encoder.AddHistogram($"h{i}", data);
            var proto = HistogramSummary.FromBuckets(data);
            Assert.Equal(proto is not null, added);
            if (proto is not null)
            {
                expected.Value.Add(HistogramSummary.ToValue($"h{i}", proto));
            }
        }

        Assert.True(expected.Value.Count > 1000, $"only {expected.Value.Count} histograms were compared");
        Assert.Equal(expected.ToByteArray(), encoder.Encoded.ToArray());
    }

    [Fact]
    public void A_histogram_of_any_form_scalars_and_uniform_histograms_mix_in_order()
    {
        var encoder = new SummaryEncoder();
        var data = new HistogramData([-1.0, 0.5, 3.0], [2.0, 5.0], -1, 3, 4, 20);
        var general = HistogramSummary.FromBuckets(data)!;
        encoder.AddScalar("a", 1);
        encoder.AddHistogram("b", general);
        encoder.AddHistogram("b2", data);
        Assert.True(encoder.AddUniformHistogram("c", -1, 1, [0, 3, 0, 1], 0.5, 2));
        Assert.False(encoder.AddUniformHistogram("empty", -1, 1, [0, 0, 0], 0, 0)); // nothing counted: no value, as no message
        encoder.AddScalar("d", -4);

        var expected = new Summary
        {
            Value =
            {
                ScalarSummary.ToValue("a", 1),
                HistogramSummary.ToValue("b", general),
                HistogramSummary.ToValue("b2", general),
                HistogramSummary.ToValue("c", HistogramSummary.FromUniformBuckets(-1, 1, [0, 3, 0, 1], 0.5, 2)!),
                ScalarSummary.ToValue("d", -4),
            },
        };
        Assert.Equal(expected.ToByteArray(), encoder.Encoded.ToArray());
        Assert.Equal(["a", "b", "b2", "c", "d"], encoder.Tags);
    }

    [Fact]
    public void A_value_that_fails_its_checks_leaves_the_values_before_it_and_clear_empties_the_encoder()
    {
        var encoder = new SummaryEncoder();
        encoder.AddScalar("kept", 2);
        byte[] before = encoder.Encoded.ToArray();

        Assert.Throws<ArgumentException>(() => encoder.AddScalar(" ", 1));
        Assert.Throws<ArgumentException>(() => encoder.AddUniformHistogram("h", 1, 1, [1, 2], 0, 0)); // no distinct edges
        Assert.Throws<ArgumentException>(() => encoder.AddUniformHistogram("h", 0, 1, [1, -2], 0, 0));
        Assert.Throws<ArgumentException>(() => encoder.AddUniformHistogram("h", 0, 1, [1, double.PositiveInfinity], 0, 0));
        Assert.Equal(before, encoder.Encoded.ToArray());
        Assert.Equal(["kept"], encoder.Tags);

        encoder.Clear();
        Assert.Equal(0, encoder.Count);
        Assert.True(encoder.Encoded.IsEmpty);
        encoder.AddScalar("again", 3);
        Assert.Equal(new Summary { Value = { ScalarSummary.ToValue("again", 3) } }.ToByteArray(), encoder.Encoded.ToArray());
    }
}
