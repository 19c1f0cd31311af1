using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Which steps are sampled: every <c>Every</c>-th, on the grid of multiples of <c>Every</c> (so a run resumed at
/// <c>InitialStep</c> keeps its grid), and the training speed between two samples. Unsampled steps cost one comparison.
/// </summary>
internal sealed class SampleSchedule(long initialStep, int every)
{
    private long _nextSample = (initialStep + every - 1) / every * every; // the first multiple of Every from there on
    private long _lastSampleStep = -1;
    private long _lastSampleTimestamp;

    /// <summary>The step the next <see cref="Advance"/> takes.</summary>
    public long Current { get; private set; } = initialStep;

    /// <summary>Whether the next step is sampled (its forward pass is the one to record).</summary>
    public bool NextIsSampled => Current == _nextSample;

    /// <summary>Takes one step: its number and whether it is sampled.</summary>
    public (long Step, bool Sampled) Advance()
    {
        long step = Current++;
        bool sampled = step == _nextSample;
        if (sampled)
        {
            _nextSample += every;
        }

        return (step, sampled);
    }

    /// <summary>Steps per second since the previous sample (NaN at the first); call once per sampled step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double StepsPerSecond(long step)
    {
        long now = Stopwatch.GetTimestamp();
        double rate = _lastSampleStep < 0 ? double.NaN : (step - _lastSampleStep) / Stopwatch.GetElapsedTime(_lastSampleTimestamp, now).TotalSeconds;
        _lastSampleStep = step;
        _lastSampleTimestamp = now;
        return rate;
    }
}
