using System.Globalization;
using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>
/// The rules' windows keep their values sorted as they come and go instead of sorting them at every sample; fed long
/// series (ties, zeros, plateaus, climbs, spikes, gaps in the steps), they give exactly what the straightforward
/// implementations below give — a sort of the window at every read — value for value and finding for finding.
/// </summary>
public sealed class IncrementalMedianTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(20, 4)]
    [InlineData(20, 5)]
    [InlineData(57, 6)]
    public void Series_history_equals_a_sort_of_its_window_after_every_value(int window, int seed)
    {
        var history = new SeriesHistory(window);
        var reference = new ReferenceSeriesHistory(window);
        var random = new Random(seed);
        for (int i = 0; i < 5_000; i++)
        {
            double value = Value(random, i);
            history.Add(value);
            reference.Add(value);
            Assert.Equal(reference.Count, history.Count);
            Same(reference.Median, history.Median, $"median after {i}");
            Same(reference.Max, history.Max, $"max after {i}");
            Same(reference.AllTimeMax, history.AllTimeMax, $"all-time max after {i}");
        }
    }

    [Theory]
    [InlineData(1, 20, 3, 11)]
    [InlineData(3, 20, 3, 12)]
    [InlineData(50, 20, 3, 13)]
    [InlineData(0, 20, 3, 14)] // irregular gaps
    [InlineData(1, 2, 0, 15)] // a window shorter than the recent samples
    [InlineData(7, 5, 1, 16)]
    public void Gradient_creep_equals_the_sorting_implementation_finding_for_finding(int every, int window, int warmup, int seed)
    {
        var options = new AlertOptions { HistoryWindow = window, WarmupSamples = warmup };
        var creep = new GradientCreep(options);
        var reference = new ReferenceCreep(options);
        var random = new Random(seed);
        string[] layers = ["a.weight", "b.weight", "c.weight"];
        var norms = new[] { 1.0, 0.5, 2.0 };
        int findings = 0;
        long step = 0;
        for (int sample = 0; sample < 3_000; sample++)
        {
            int gap = every > 0 ? every : random.Next(1, 40);
            step += gap;
            for (int l = 0; l < layers.Length; l++)
            {
                // Layer a creeps up 2 % a step now and then, and falls back; b and c wander, with ties and exact zeros.
                norms[l] = (l, sample % 600) switch
                {
                    (0, > 100 and < 400) => Math.Min(1e8, norms[l] * Math.Pow(1.02, gap)),
                    (0, 400) => 1.0,
                    _ => Math.Round(norms[l] * (0.9 + 0.2 * random.NextDouble()), 2),
                };
                double norm = random.Next(200) == 0 ? 0 : norms[l];
                double share = random.Next(200) == 0 ? double.NaN : Math.Round(norm / (1 + random.NextDouble()), 3);
                bool eligible = random.Next(10) > 0;
                var expected = reference.Add(layers[l], step, norm, share, eligible);
                var actual = creep.Add(layers[l], step, norm, share, eligible);
                Assert.Equal(expected, actual);
                findings += expected is null ? 0 : 1;
                foreach (var layer in layers)
                {
                    Same(reference.NormRise(layer), creep.NormRise(layer), $"norm rise of {layer} at step {step}");
                }
            }
        }

        // Positive control: the series did make the rule fire, so the findings were compared, not only nulls.
        Assert.True(findings > 0, "no finding in the whole series");
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Loss_tracker_equals_the_linq_implementation_after_every_loss(int seed)
    {
        var tracker = new LossTracker(20);
        var reference = new ReferenceLossTracker(20);
        var random = new Random(seed);
        double level = 3;
        for (int i = 0; i < 5_000; i++)
        {
            level = i % 1000 == 700 ? 5 : level * 0.999;
            double? loss = random.Next(8) switch
            {
                0 => null,
                1 => double.NaN,
                2 => Math.Round(level, 1), // ties
                3 => random.Next(2) == 0 ? 0.0 : -0.0,
                _ => level * (0.8 + 0.4 * random.NextDouble()),
            };
            tracker.Add(loss, i);
            reference.Add(loss, i);
            Assert.Equal(reference.Count, tracker.Count);
            Assert.Equal(reference.StepsSeen, tracker.StepsSeen);
            Bits(reference.Start, tracker.Start, $"start after {i}");
            Bits(reference.Smoothed, tracker.Smoothed, $"smoothed after {i}");
            Bits(reference.Lowest, tracker.Lowest, $"lowest after {i}");
            Bits(reference.Noise, tracker.Noise, $"noise after {i}");
            Bits(reference.Level, tracker.Level, $"level after {i}");
            Bits(reference.LowestLevel, tracker.LowestLevel, $"lowest level after {i}");
            Bits(reference.NoiseAtLowestLevel, tracker.NoiseAtLowestLevel, $"noise at the lowest level after {i}");
            Bits(reference.RecentFall, tracker.RecentFall, $"recent fall after {i}");
            Bits(reference.FallSinceStart, tracker.FallSinceStart, $"fall since start after {i}");
            Assert.Equal(reference.Solved, tracker.Solved);
            Assert.Equal(reference.Last8, tracker.OscillationWindow.TakeLast(8));
        }
    }

    // Ties (rounded values), exact zeros, plateaus, climbs, spikes and the odd non-finite value.
    private static double Value(Random random, int i) => random.Next(100) switch
    {
        0 => double.NaN,
        1 => double.PositiveInfinity,
        2 => double.NegativeInfinity,
        < 10 => 0,
        < 40 => Math.Round(random.NextDouble() * 4, 1),
        < 50 => 1e6 * random.NextDouble(),
        _ => (i % 300) * (1 + random.NextDouble()),
    };

    // Equal as values (NaN equals NaN), with a message that says where.
    private static void Same(double expected, double actual, string what) =>
        Assert.True(expected.Equals(actual), $"{what}: expected {expected.ToString("R", CultureInfo.InvariantCulture)}, got {actual.ToString("R", CultureInfo.InvariantCulture)}");

    // Bit for bit: the sign of a zero too.
    private static void Bits(double expected, double actual, string what) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: expected {expected.ToString("R", CultureInfo.InvariantCulture)}, got {actual.ToString("R", CultureInfo.InvariantCulture)}");

    private static double SortedMedian(double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>The window sorted at every read, its maximum by LINQ.</summary>
    private sealed class ReferenceSeriesHistory(int window)
    {
        private readonly Queue<double> _values = new();

        public int Count => _values.Count;

        public double Median => SortedMedian(_values.ToArray());

        public double Max => _values.Count == 0 ? double.NaN : _values.Max();

        public double AllTimeMax { get; private set; } = double.NegativeInfinity;

        public void Add(double value)
        {
            _values.Enqueue(value);
            if (_values.Count > window)
            {
                _values.Dequeue();
            }

            AllTimeMax = Math.Max(AllTimeMax, value);
        }
    }

    /// <summary>The creep rule with a list of points and every median sorted afresh.</summary>
    private sealed class ReferenceCreep(AlertOptions options)
    {
        private readonly Dictionary<string, List<(long Step, double Norm, double Share)>> _series = new(StringComparer.Ordinal);
        private readonly Dictionary<string, double> _normRise = new(StringComparer.Ordinal);

        public double NormRise(string name) => _normRise.GetValueOrDefault(name, 1);

        public Finding? Add(string name, long step, double norm, double share, bool eligible)
        {
            if (!double.IsFinite(norm) || !double.IsFinite(share))
            {
                return null;
            }

            if (!_series.TryGetValue(name, out var points))
            {
                points = [];
                _series[name] = points;
            }

            points.Add((step, norm, share));
            while (points.Count > options.HistoryWindow && (step - points[0].Step > 300 || points.Count > 200))
            {
                points.RemoveAt(0);
            }

            int baseCount = points.Count - 3;
            if (baseCount < 2 * options.WarmupSamples || step - points[0].Step < 100)
            {
                _normRise.Remove(name);
                return null;
            }

            double recentNorm = SortedMedian(points.Skip(baseCount).Select(p => p.Norm).ToArray());
            double baseNorm = SortedMedian(points.Take(baseCount).Select(p => p.Norm).ToArray());
            double normRise = recentNorm / baseNorm;
            _normRise[name] = normRise;
            if (!eligible)
            {
                return null;
            }

            double recentShare = SortedMedian(points.Skip(baseCount).Select(p => p.Share).ToArray());
            double baseShare = SortedMedian(points.Take(baseCount).Select(p => p.Share).ToArray());
            double shareRise = recentShare / baseShare;
            bool allRecentUp = points.Skip(baseCount).All(p => p.Norm > 3.0 / 2 * baseNorm);
            if (!(shareRise >= 5 && normRise >= 3 && allRecentUp))
            {
                return null;
            }

            long span = step - points[0].Step;
            return new Finding(AlertKind.ExplodingGradient, name, norm, string.Create(CultureInfo.InvariantCulture,
                $"{name} gradient norm has climbed steadily to {recentNorm:G3}, {normRise:G3}× its median of the last {span} steps ({baseNorm:G3}), and {shareRise:G3}× its share of the other layers' gradient"));
        }
    }

    /// <summary>The loss tracker with its medians by LINQ's (stable) ordering.</summary>
    private sealed class ReferenceLossTracker(int window)
    {
        private readonly List<double> _recent = [];
        private readonly ReferenceSeriesHistory _smoothedHistory = new(window);
        private long? _firstStep;
        private long _lastStep;

        public double Start { get; private set; } = double.NaN;

        public double Smoothed { get; private set; } = double.NaN;

        public double Lowest { get; private set; } = double.PositiveInfinity;

        public double Level { get; private set; } = double.NaN;

        public double LowestLevel { get; private set; } = double.PositiveInfinity;

        public double NoiseAtLowestLevel { get; private set; }

        public double Noise { get; private set; }

        public int Count { get; private set; }

        public IReadOnlyList<double> Last8 => _recent.Count <= 8 ? _recent : _recent.GetRange(_recent.Count - 8, 8);

        public double RecentFall => _smoothedHistory.Count == 0 || !(Smoothed > 0) ? 1 : Math.Max(1, _smoothedHistory.Median / Smoothed);

        public double FallSinceStart => double.IsNaN(Start) || !(Smoothed > 0) ? 1 : Math.Max(1, Start / Smoothed);

        public bool Solved => Count >= 3 && (Smoothed <= 1e-3 * Math.Abs(Start) || Math.Abs(Smoothed) < 1e-6);

        public long StepsSeen => _firstStep is { } first ? _lastStep - first : 0;

        public void Add(double? loss, long step)
        {
            if (loss is not { } value || !double.IsFinite(value))
            {
                return;
            }

            _firstStep ??= step;
            _lastStep = step;
            Count++;
            _recent.Add(value);
            if (_recent.Count > 9)
            {
                _recent.RemoveAt(0);
            }

            if (Count == 3)
            {
                Start = Median(_recent.Skip(_recent.Count - 3));
            }

            Smoothed = Median(_recent.Skip(Math.Max(0, _recent.Count - 5)));
            Noise = _recent.Count < 3 ? 0 : 1.4826 / Math.Sqrt(2) * Median(_recent.Zip(_recent.Skip(1), (a, b) => Math.Abs(b - a)));
            if (_recent.Count >= 5 && Smoothed < Lowest)
            {
                Lowest = Smoothed;
            }

            Level = _recent.Order().ElementAt(Math.Min(2, _recent.Count - 1));
            if (_recent.Count == 9 && Level < LowestLevel)
            {
                LowestLevel = Level;
                NoiseAtLowestLevel = Noise;
            }

            _smoothedHistory.Add(Smoothed);
        }

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}
