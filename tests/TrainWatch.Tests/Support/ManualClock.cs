namespace TrainWatch.Tests.Support;

/// <summary>
/// A clock that moves only when a test says so, with timers (what <c>Task.Delay(t, provider)</c> uses) that fire
/// when <see cref="Advance"/> passes their time. Backoff and drain tests then count attempts per simulated second
/// instead of sleeping, and cannot be upset by a loaded machine.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<Timer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Time advanced so far.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(GetTimestamp());

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddYears(56) + Elapsed;

    /// <summary>Moves the clock and fires (on this thread) every timer that became due.</summary>
    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_lock)
        {
            _ticks += by.Ticks;
            due = _timers.Where(t => t.DueAt <= _ticks).ToList();
            foreach (var timer in due)
            {
                _timers.Remove(timer);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(Timer timer, TimeSpan dueTime)
    {
        bool fireNow;
        lock (_lock)
        {
            _timers.Remove(timer);
            fireNow = dueTime == TimeSpan.Zero;
            if (dueTime > TimeSpan.Zero)
            {
                timer.DueAt = _ticks + dueTime.Ticks;
                _timers.Add(timer);
            }
        }

        if (fireNow)
        {
            ThreadPool.QueueUserWorkItem(_ => timer.Fire());
        }
    }

    private void Cancel(Timer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public long DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                clock.Cancel(this);
            }
            else
            {
                clock.Schedule(this, dueTime);
            }

            return true;
        }

        public void Fire()
        {
            callback(state);
            if (_period > TimeSpan.Zero)
            {
                clock.Schedule(this, _period);
            }
        }

        public void Dispose() => clock.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
