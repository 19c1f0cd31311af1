namespace TrainWatch.Events;

/// <summary>
/// When to try a failing disk again: after the first failure wait <c>first</c>, then twice as long after each further
/// failure, up to <c>max</c>; a success resets it. Without this, a full disk turns the writer into a busy loop that
/// throws one exception per pass (issue 16: minutes of CPU burnt while the process could not exit).
/// </summary>
/// <remarks>Used by one thread at a time (the writer loop, or the projector under its caller's discipline).</remarks>
internal sealed class RetryBackoff
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _first;
    private readonly TimeSpan _max;
    private long _nextAttemptAt;

    public RetryBackoff(TimeProvider time, TimeSpan first, TimeSpan max)
    {
        _time = time;
        _first = first > TimeSpan.Zero ? first : TimeSpan.FromMilliseconds(1);
        _max = max >= _first ? max : _first;
    }

    /// <summary>The wait after the last failure; zero while writes succeed.</summary>
    public TimeSpan Delay { get; private set; }

    /// <summary>The last attempt failed and no attempt has succeeded since.</summary>
    public bool Failing => Delay > TimeSpan.Zero;

    /// <summary>How long until the next attempt is allowed; zero when it is allowed now.</summary>
    public TimeSpan UntilNextAttempt
    {
        get
        {
            if (!Failing)
            {
                return TimeSpan.Zero;
            }

            var left = _time.GetElapsedTime(_time.GetTimestamp(), _nextAttemptAt);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>An attempt may be made now.</summary>
    public bool AttemptDue => UntilNextAttempt == TimeSpan.Zero;

    public void Failed()
    {
        Delay = !Failing ? _first : (Delay * 2 < _max ? Delay * 2 : _max);
        _nextAttemptAt = _time.GetTimestamp() + (long)(Delay.TotalSeconds * _time.TimestampFrequency);
    }

    public void Succeeded() => Delay = TimeSpan.Zero;

    /// <summary>Lets the next attempt happen now, keeping the delay that follows it (closing makes one last try).</summary>
    public void AllowAttemptNow() => _nextAttemptAt = _time.GetTimestamp();
}
