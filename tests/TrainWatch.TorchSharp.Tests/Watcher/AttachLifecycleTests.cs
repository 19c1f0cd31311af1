using System.Runtime.CompilerServices;
using TrainWatch.Events;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Lifecycle;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// Issue 23: Attach is all or nothing, the sampling interval has one source of truth, Dispose never throws, and after
/// Dispose every method does nothing.
/// </summary>
public sealed class AttachLifecycleTests
{
    private static readonly WatchOptions s_quiet = new() { AlertsToConsole = false, Logger = new ListLogger() };

    [Fact]
    public void The_options_interval_is_kept_when_Attach_is_not_given_one()
    {
        var steps = SampledSteps((model, optimizer, dir) => TrainWatcher.Attach(model, optimizer, dir, options: s_quiet with { Every = 3 }), 7);
        Assert.Equal([0L, 3L, 6L], steps);
    }

    [Fact]
    public void The_argument_interval_is_used_when_the_options_leave_it_at_its_default()
    {
        var steps = SampledSteps((model, optimizer, dir) => TrainWatcher.Attach(model, optimizer, dir, every: 2, s_quiet), 5);
        Assert.Equal([0L, 2L, 4L], steps);
    }

    [Fact]
    public void Two_different_intervals_are_an_error_that_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run");
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var e = Assert.Throws<ArgumentException>(() => TrainWatcher.Attach(model, optimizer, run, every: 5, s_quiet with { Every = 10 }));
        Assert.Contains("every: 5", e.Message);
        Assert.Contains("Every = 10", e.Message);
        Assert.False(Directory.Exists(run));
        Assert.Equal(0, HookCount.Of(model));

        // The same value twice is no contradiction.
        using var watch = TrainWatcher.Attach(model, optimizer, run, every: 10, s_quiet with { Every = 10 });
        Assert.True(HookCount.Of(model) > 0);
    }

    public static TheoryData<string> BadNestedOptions => new() { "projector", "pictures", "history", "hparams" };

    [Theory]
    [MemberData(nameof(BadNestedOptions))]
    public void A_bad_nested_option_throws_before_anything_is_opened_or_hooked(string which)
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "a", "run");
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var options = which switch
        {
            "projector" => s_quiet with { Projector = new ProjectorOptions { MaxSnapshots = 1 } },
            "pictures" => s_quiet with { Pictures = new PictureOptions { EverySteps = 0 } },
            "history" => s_quiet with { History = new HistoryOptions { MaxColumns = 3 } },
            _ => s_quiet with { HParams = new Dictionary<string, object>() },
        };

        Assert.ThrowsAny<ArgumentException>(() => TrainWatcher.Attach(model, optimizer, run, every: 1, options));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "a")));
        Assert.Equal(0, HookCount.Of(model));
    }

    public static TheoryData<string> Stages => new(Enum.GetNames<AttachStage>());

    [Theory]
    [MemberData(nameof(Stages))]
    public void A_failure_at_any_stage_of_Attach_undoes_the_stages_before_it(string stage)
    {
        var failing = Enum.Parse<AttachStage>(stage);
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var reached = new List<AttachStage>();
        var options = s_quiet with
        {
            HParams = new Dictionary<string, object> { ["lr"] = 0.01 }, // something written at attach, to be undone
            AttachStageReached = at =>
            {
                reached.Add(at);
                if (at == failing)
                {
                    throw new InvalidOperationException($"injected at {at}");
                }
            },
        };

        // A run directory that did not exist (with a missing parent) and one that held a file of the user's.
        string fresh = Path.Combine(dir.Path, "new", "run");
        string existing = Path.Combine(dir.Path, "old");
        Directory.CreateDirectory(Path.Combine(existing, "notes"));
        File.WriteAllText(Path.Combine(existing, "keep.txt"), "mine");
        foreach (string run in new[] { fresh, existing })
        {
            reached.Clear();
            var e = Assert.Throws<InvalidOperationException>(() => TrainWatcher.Attach(model, optimizer, run, every: 1, options));
            Assert.Equal($"injected at {failing}", e.Message);
            Assert.Equal(failing, reached[^1]);
            Assert.Equal(0, HookCount.Of(model));
        }

        Assert.False(Directory.Exists(Path.Combine(dir.Path, "new")));
        Assert.Equal(["keep.txt"], Directory.EnumerateFiles(existing).Select(Path.GetFileName));
        Assert.True(Directory.Exists(Path.Combine(existing, "notes")));

        // And the model trains unwatched as before: no hook of ours fires into a disposed recorder.
        using var scope = NewDisposeScope();
        var (x, y) = SmallCnn.Batch(4, new Generator(1));
        functional.cross_entropy(model.call(x), y).backward();
    }

    [Fact]
    public void Every_stage_is_reached_by_a_successful_attach_in_order()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var reached = new List<AttachStage>();
        using (TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet with { AttachStageReached = reached.Add }))
        {
            Assert.Equal(Enum.GetValues<AttachStage>(), reached);
        }

        Assert.Equal(0, HookCount.Of(model)); // Dispose removes them too
    }

    // Issue 26: first-use work (SkiaSharp, compiling the host kernels, the messages' descriptors) runs on a pool thread
    // beside Attach. It must be over when Attach returns (docs/reliability.md: no thread of ours may allocate while the
    // user's TorchSharp calls run), and it must do its work rather than fail quietly every time.
    [Fact]
    public void The_warm_up_beside_Attach_is_over_when_Attach_returns_and_does_its_work()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet);

        Assert.NotNull(watch.WarmUp);
        Assert.True(watch.WarmUp.IsOver);
        Assert.Null(watch.WarmUp.Failure);
    }

    // A thread pool too busy to start the warm-up while Attach works must not make Attach wait for it: it is
    // abandoned, and when the pool gets to it at last it does nothing (it may not allocate beside the user's code).
    [Fact]
    public void A_warm_up_the_pool_has_not_started_is_abandoned_not_waited_for()
    {
        var heldBack = new HeldBackScheduler();
        var warmUp = AttachWarmUp.Start(s_quiet, heldBack);

        warmUp.Join(); // returns although the task never ran
        Assert.True(warmUp.IsOver);

        heldBack.RunHeldTasks();
        Assert.False(warmUp.RanToEnd);

        // Run where it is queued, the warm-up does all its work without failing (SkiaSharp, kernels, messages).
        var ran = AttachWarmUp.Start(s_quiet, new InlineScheduler());
        ran.Join();
        Assert.True(ran.RanToEnd);
        Assert.Null(ran.Failure);
    }

    // The warm-up is two pool tasks (SkiaSharp's start-up beside the kernels' compiling): a pool that started one of
    // them before Attach was done, and not the other, has the one joined and the other abandoned, never waited for.
    [Fact]
    public void A_warm_up_part_the_pool_has_not_started_is_abandoned_while_the_started_one_is_joined()
    {
        var firstOnly = new FirstTaskOnlyScheduler();
        var warmUp = AttachWarmUp.Start(s_quiet, firstOnly); // pictures on: two parts

        Assert.Equal(2, firstOnly.Queued);
        warmUp.Join(); // returns although the second part never ran
        Assert.True(warmUp.IsOver);
        Assert.False(warmUp.RanToEnd);
        Assert.Null(warmUp.Failure);

        firstOnly.RunHeldTasks();
        Assert.False(warmUp.RanToEnd); // the abandoned part did nothing when the pool got to it

        // Without pictures or histories there is nothing of SkiaSharp to warm: one part.
        var noPictures = new FirstTaskOnlyScheduler();
        var kernelsOnly = AttachWarmUp.Start(s_quiet with { Pictures = null, History = null }, noPictures);
        kernelsOnly.Join();
        Assert.Equal(1, noPictures.Queued);
        Assert.True(kernelsOnly.RanToEnd);
    }

    // The warm-up compiles the host statistics, which Attach's model check and every sample step run, and the alert
    // rules, which the first sample step would otherwise compile on the training thread (both carry
    // AggressiveOptimization: docs/design.md). Without the attribute there would be nothing to compile.
    [Fact]
    public void The_warm_up_compiles_the_host_statistics_and_the_alert_rules()
    {
        AssertCompiles(
            AttachWarmUp.HostStatisticsToCompile(),
            (typeof(HostRows), nameof(HostRows.FastRows)),
            (typeof(ParameterRows), nameof(ParameterRows.Parts)),
            (typeof(HostView), nameof(HostView.Of)));
        AssertCompiles(
            AttachWarmUp.RulesToCompile(),
            (typeof(Diagnostician), nameof(Diagnostician.Examine)),
            (typeof(IncidentGrouper), nameof(IncidentGrouper.Group)),
            (typeof(GradientRules), nameof(GradientRules.Check)));
    }

    // The list holds each expected method, and every method in it compiles without type arguments.
    private static void AssertCompiles(IEnumerable<System.Reflection.MethodInfo> toCompile, params (Type Type, string Name)[] expected)
    {
        var methods = toCompile.ToList();
        foreach (var (type, name) in expected)
        {
            Assert.Contains(methods, m => m.DeclaringType == type && m.Name == name);
        }

        Assert.DoesNotContain(methods, m => m.IsGenericMethodDefinition); // the generic kernels are warmed by running them
        foreach (var method in methods)
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
    }

    // Runs the first task queued on the thread that queues it and holds every later one until asked.
    private sealed class FirstTaskOnlyScheduler : TaskScheduler
    {
        private readonly List<Task> _held = [];

        public int Queued { get; private set; }

        public void RunHeldTasks()
        {
            foreach (var task in _held)
            {
                TryExecuteTask(task);
            }
        }

        protected override IEnumerable<Task> GetScheduledTasks() => _held;

        protected override void QueueTask(Task task)
        {
            if (Queued++ == 0)
            {
                TryExecuteTask(task);
            }
            else
            {
                _held.Add(task);
            }
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
    }

    // Runs each task on the thread that queues it.
    private sealed class InlineScheduler : TaskScheduler
    {
        protected override IEnumerable<Task> GetScheduledTasks() => [];

        protected override void QueueTask(Task task) => TryExecuteTask(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => TryExecuteTask(task);
    }

    // Queues tasks without running them until asked.
    private sealed class HeldBackScheduler : TaskScheduler
    {
        private readonly List<Task> _held = [];

        public void RunHeldTasks()
        {
            foreach (var task in _held)
            {
                TryExecuteTask(task);
            }
        }

        protected override IEnumerable<Task> GetScheduledTasks() => _held;

        protected override void QueueTask(Task task) => _held.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
    }

    [Fact]
    public void Dispose_never_throws_it_logs_and_keeps_the_close_error()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet with { Logger = logger, Writer = new EventWriterOptions { ThrowOnError = true } });
        Train(model, optimizer, watch, 2);

        // Strict mode makes the writer's Dispose throw once an error was recorded; a builder that fails records one.
        watch.Writer!.AddDeferred(1, () => throw new InvalidOperationException("bad builder"), 0);
        watch.Dispose();

        Assert.IsType<EventWriterException>(watch.CloseError);
        Assert.Contains(logger.Messages, m => m.Contains("closing the run failed"));
        Assert.Equal(0, HookCount.Of(model));
        watch.Dispose(); // twice is fine
    }

    [Fact]
    public async Task After_Dispose_every_method_does_nothing()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet);
        Train(model, optimizer, watch, 2);
        watch.Dispose();
        var files = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => new FileInfo(f).Length);

        using (var scope = NewDisposeScope())
        {
            var (x, y) = SmallCnn.Batch(4, new Generator(2));
            watch.Step(functional.cross_entropy(model.call(x), y));
            watch.LogHParams(new Dictionary<string, object> { ["lr"] = 0.01 });
            watch.SetProbe(x);
            watch.SetProjectorProbe(x.flatten(1));
        }

        watch.Dispose();
        await watch.DisposeAsync();
        Assert.Equal(files, Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => new FileInfo(f).Length));
    }

    private static List<long> SampledSteps(Func<SmallCnn, optim.Optimizer, string, TrainWatcher> attach, int steps)
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = attach(model, optimizer, dir.Path))
        {
            for (int i = 0; i < steps; i++)
            {
                watch.Step();
            }
        }

        // Weight histograms are written at every sampled step, loss or not.
        return RunReader.Values(dir.Path).Where(v => v.Value.Tag.StartsWith("weights/", StringComparison.Ordinal)).Select(v => v.Step).Distinct().Order().ToList();
    }

    private static void Train(Module<Tensor, Tensor> model, optim.Optimizer optimizer, TrainWatcher watch, int steps)
    {
        var generator = new Generator(1);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (x, y) = SmallCnn.Batch(4, generator);
            var loss = functional.cross_entropy(model.call(x), y);
            loss.backward();
            watch.Step(loss);
            optimizer.step();
        }
    }
}

public sealed class HookFailureTests
{
    [Fact]
    public void A_failing_hook_is_counted_warned_once_and_written_while_the_forward_pass_goes_on()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var options = new WatchOptions
        {
            Logger = logger,
            AlertsToConsole = false,
            InsideForwardHook = path => _ = path == "classifier.1" ? throw new InvalidOperationException("hook bug") : 0,
        };
        var generator = new Generator(3);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 2, options))
        {
            for (int i = 0; i < 5; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var (x, y) = SmallCnn.Batch(4, generator);
                var loss = functional.cross_entropy(model.call(x), y); // the failing hook does not fail this
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }

            Assert.Equal(0, watch.FailedSamples); // the rest of each sample step was recorded
        }

        var values = RunReader.Values(dir.Path);
        var failures = values.Where(v => v.Value.Tag == "trainwatch/hook_failures").ToList();
        Assert.Equal([0L, 2L, 4L], failures.Select(f => f.Step));
        Assert.Equal([1f, 2f, 3f], failures.Select(f => f.Value.SimpleValue));
        Assert.Single(logger.Messages, m => m.Contains("a forward hook failed") && m.Contains("hook bug"));
        Assert.Contains(values, v => v.Value.Tag == "activations/features.0" && v.Step == 4); // other modules measured
        Assert.DoesNotContain(values, v => v.Value.Tag == "activations/classifier.1");
    }
}
