using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TrainWatch.TorchSharp.Tests.Inspection.CheckedModels;

namespace TrainWatch.TorchSharp.Tests.Inspection;

/// <summary>What the model check leaves in the run and the watcher: alerts at step 0, in the event file and to handlers.</summary>
public sealed class ModelCheckWatcherTests
{
    private static readonly Generator s_inputs = new(41);

    [Fact]
    public void Attach_writes_the_findings_at_step_0_as_alert_text_and_weight_scalars_and_raises_them_at_the_first_step()
    {
        using var dir = new TempDirectory();
        manual_seed(42);
        using var model = GroupNormCnn();
        var norm = (GroupNorm)model[1];
        Overwrite(norm.weight!, [7.1e21f, 4.6e-41f, .. Enumerable.Repeat(1f, 22)]);
        using (no_grad())
        {
            norm.bias!.zero_();
        }

        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var logger = new ListLogger();
        var raised = new List<Alert>();
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 5, new WatchOptions { AlertsToConsole = false, Logger = logger }))
        {
            var alert = Assert.Single(watch.Alerts);
            Assert.Equal((AlertKind.SuspectParameters, "1.weight", 0L), (alert.Kind, alert.Layer, alert.Step));
            Assert.Contains(logger.Messages, m => m.Contains("1.weight holds values up to 7.1E+21 before training", StringComparison.Ordinal));

            watch.AlertRaised += (_, e) => raised.Add(e.Alert);
            for (int step = 0; step < 3; step++)
            {
                TrainStep(model, optimizer, watch);
            }
        }

        Assert.Equal("1.weight", Assert.Single(raised, a => a.Kind == AlertKind.SuspectParameters).Layer);
        var values = RunReader.Values(dir.Path);
        var text = Assert.Single(values, v => v.Value.Tag == "alerts/suspect_parameters");
        Assert.Equal(0, text.Step);
        string written = System.Text.Encoding.UTF8.GetString(text.Value.Tensor.StringVal[0].Span);
        Assert.Contains("`1.weight` · 1.weight holds values up to 7.1E+21 before training: uninitialised memory? It also holds 1 denormal value. (TorchSharp's GroupNorm does not initialise its parameters", written);
        Assert.Equal(7.1e21f, RunReader.Scalar(values, "weight_abs_max/1.weight", 0));
        Assert.Equal(1f, RunReader.Scalar(values, "weight_denormal_count/1.weight", 0));
        Assert.Equal(0f, RunReader.Scalar(values, "weight_non_finite_count/1.weight", 0));
        Assert.DoesNotContain(values, v => v.Value.Tag.EndsWith("/1.bias", StringComparison.Ordinal) && v.Value.Tag.StartsWith("weight_abs_max", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clean_model_leaves_no_trace_of_the_check()
    {
        using var dir = new TempDirectory();
        manual_seed(43);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 5, new WatchOptions { AlertsToConsole = false }))
        {
            Assert.Empty(watch.Alerts);
            model.TrainStep(optimizer, watch, s_inputs);
            Assert.Equal(1, watch.HostTransfer.Count); // the check's copy is not a sample step's
        }

        var values = RunReader.Values(dir.Path);
        Assert.DoesNotContain(values, v => v.Value.Tag.StartsWith("alerts/", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Value.Tag.StartsWith("weight_abs_max/", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelCheck_false_turns_it_off_and_a_check_that_fails_only_warns()
    {
        using var dir = new TempDirectory();
        using var model = GroupNormCnn();
        Overwrite(((GroupNorm)model[1]).weight!, [float.NaN, .. Enumerable.Repeat(1f, 23)]);
        using var optimizer = optim.SGD(model.parameters(), 0.01);

        using (var off = TrainWatcher.Attach(model, optimizer, Path.Combine(dir.Path, "off"), every: 5, new WatchOptions { AlertsToConsole = false, ModelCheck = false }))
        {
            Assert.Empty(off.Alerts);
        }

        // A parameter on the meta device has no values to copy: the check fails, attach does not.
        using var meta = new MetaModel();
        var logger = new ListLogger();
        using var metaOptimizer = optim.SGD(meta.parameters(), 0.01);
        using var watch = TrainWatcher.Attach(meta, metaOptimizer, Path.Combine(dir.Path, "meta"), every: 5, new WatchOptions { AlertsToConsole = false, Logger = logger });
        Assert.Empty(watch.Alerts);
        Assert.Contains(logger.Messages, m => m.StartsWith("TrainWatch: the model check at attach failed and was skipped", StringComparison.Ordinal));
    }

    private static Sequential GroupNormCnn() =>
        Sequential(("0", Conv2d(3, 24, 3, padding: 1)), ("1", GroupNorm(4, 24)), ("2", ReLU()), ("3", AdaptiveAvgPool2d(1)), ("4", Flatten()), ("5", Linear(24, 3)));

    private static void TrainStep(Module<Tensor, Tensor> model, optim.Optimizer optimizer, TrainWatcher watch)
    {
        using var scope = NewDisposeScope();
        var (x, y) = SmallCnn.Batch(4, s_inputs);
        optimizer.zero_grad();
        var loss = functional.cross_entropy(model.call(x), y);
        loss.backward();
        watch.Step(loss);
        optimizer.step();
    }

    private sealed class MetaModel : Module<Tensor, Tensor>
    {
        private readonly Parameter weight = Parameter(empty([4, 4], device: new Device(DeviceType.META)));

        public MetaModel() : base(nameof(MetaModel)) => RegisterComponents();

        public override Tensor forward(Tensor input) => functional.linear(input, weight);
    }
}
