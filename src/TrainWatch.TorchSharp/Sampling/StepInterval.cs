using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// A schedule in training steps for work that rides on sample steps (pictures, the projector): due on the first
/// sample step it is asked about, then on the first sample step at or after each later multiple of the interval.
/// Counting steps rather than sample steps keeps that work's cost independent of how often statistics are sampled:
/// <c>Every = 1</c> does not draw pictures a hundred times as often as <c>Every = 100</c>.
/// </summary>
internal sealed class StepInterval(int everySteps)
{
    private long _next = long.MinValue;

    /// <summary>Whether the work is due at sample step <paramref name="step"/>; call once per sample step, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool IsDue(long step)
    {
        if (step < _next)
        {
            return false;
        }

        _next = (step / everySteps + 1) * everySteps;
        return true;
    }
}
