using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Tells the user, once each, what they can fix in how the watcher is used — <c>Step</c> called after
/// <c>zero_grad()</c>, children called with <c>forward</c> instead of <c>call</c>, a run directory reused from step 0
/// — and that a sample step failed (counted afterwards). Through the logger when there is one, else standard error.
/// </summary>
internal sealed class UsageAdvisor(ILogger? logger)
{
    private bool _warnedNoGradients;
    private bool _warnedFailure;

    /// <summary>Sample steps that failed inside the watcher.</summary>
    public int FailedSamples { get; private set; }

    public void Warn(string message)
    {
        if (logger is not null)
        {
#pragma warning disable CA2254 // One-time diagnostic sentences; no structured fields to extract.
            logger.LogWarning(message);
#pragma warning restore CA2254
        }
        else
        {
            Console.Error.WriteLine(message);
        }
    }

    /// <summary>After a sample: gradients that are all gone, and hooks that never fired.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Review(SampleData sample, bool anyTrainable, IReadOnlyList<string> silentModules)
    {
        // zero_grad() either drops the gradients (set_to_none) or zeroes them: both mean Step came at the wrong place.
        bool gradientsGone = sample.Parameters.All(p => p.Gradient is null || p.Gradient.ZeroFraction == 1);
        // A loss of exactly 0 has zero gradients too, and then the advice would be wrong: nothing is left to learn.
        bool lossSolved = sample.Loss is { } loss && Math.Abs(loss) < 1e-12;
        if (!_warnedNoGradients && sample.Parameters.Count > 0 && gradientsGone && anyTrainable && !lossSolved)
        {
            _warnedNoGradients = true;
            Warn($"TrainWatch: no parameter had a gradient at step {sample.Step} (all null or zero). Call watch.Step(loss) after loss.backward() and before optimizer.zero_grad().");
        }

        if (silentModules.Count > 0)
        {
            Warn($"TrainWatch: the forward hooks of {silentModules.Count} module(s) never fired ({string.Join(", ", silentModules.Take(8))}{(silentModules.Count > 8 ? ", ..." : "")}). TorchSharp runs hooks only through module.call(x); a parent that calls child.forward(x) bypasses them.");
        }
    }

    /// <summary>A run directory that already has events, restarted at step 0.</summary>
    public void ResumedAtZero(string runDirectory) =>
        Warn($"TrainWatch: '{runDirectory}' already holds event files and this run starts again at step 0. If it resumes a checkpoint, set WatchOptions.InitialStep to the checkpoint's step; otherwise TensorBoard may hide the earlier run's points after each new step.");

    /// <summary>A part of a sample step failed: counted once per step, reported once per run.</summary>
    public void SampleFailed(Exception e, bool firstFailureOfThisStep)
    {
        if (firstFailureOfThisStep)
        {
            FailedSamples++;
        }

        ReportFailure(e);
    }

    /// <summary>Something the watcher runs for the user failed (an alert handler, say): reported once per run.</summary>
    public void ReportFailure(Exception e)
    {
        if (_warnedFailure)
        {
            return;
        }

        _warnedFailure = true;
        Warn($"TrainWatch: a sample step failed and was skipped ({e.GetType().Name}: {e.Message}). Training continues; further failures are counted in FailedSamples.");
    }
}
