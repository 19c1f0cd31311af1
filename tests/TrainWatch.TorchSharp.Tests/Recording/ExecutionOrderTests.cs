using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Recording;

/// <summary>
/// On models that are not Sequential — custom blocks as fields, residual, U-Net with a concatenating skip, GRU and
/// attention — everything about "where" follows the order modules ran, not the order TorchSharp registered them.
/// </summary>
public sealed class ExecutionOrderTests
{
    public static TheoryData<string, string[]> MeasuredOutputs => new()
    {
        // Custom blocks with a gain of their own: the block itself is measured too (it has a parameter).
        { "mlp-blocks", ["stem", "block1.fc", "block1.act", "block1", "block2.fc", "block2.act", "block2", "block3.fc", "block3.act", "block3", "head"] },
        {
            "residual-cnn",
            [
                "stem", "block1.conv1", "block1.bn1", "block1.relu1", "block1.conv2", "block1.bn2", "block1.relu2",
                "block2.conv1", "block2.bn1", "block2.relu1", "block2.conv2", "block2.bn2", "block2.relu2", "mix", "pool", "fc",
            ]
        },
        { "unet", ["enc1", "act1", "down", "enc2", "act2", "up", "dec", "act3", "out"] },
        // The GRU's tuple: each tensor, by TorchSharp's names.
        { "gru", ["encoder.proj", "encoder.act", "encoder.gru/output", "encoder.gru/h_n", "head"] },
        { "attention", ["embed", "attention/attn_output", "norm", "head"] },
    };

    [Theory]
    [MemberData(nameof(MeasuredOutputs))]
    public void Every_module_that_ran_has_activation_statistics_in_execution_order(string model, string[] expected)
    {
        using var run = new ZooRun(model, every: 1);
        run.Steps(2);

        var recorded = run.Watch.LastRecording!.Calls.Select(c => c.Path).ToList();
        run.Watch.Dispose();
        var values = RunReader.Values(run.Dir.Path);
        var written = values.Where(v => v.Step == 1 && v.Value.Tag.StartsWith("activation_mean/", StringComparison.Ordinal))
            .Select(v => v.Value.Tag["activation_mean/".Length..]).ToHashSet();
        Assert.Equal(expected.Order(), written.Order());

        // Execution order: where each measured module first finished.
        string ModuleOf(string name) => name.Split('/')[0];
        var finished = expected.Select(ModuleOf).Distinct().Select(m => recorded.IndexOf(m)).ToList();
        Assert.DoesNotContain(-1, finished);
        Assert.Equal(finished.Order(), finished);
    }

    [Theory]
    [InlineData("mlp-blocks")]
    [InlineData("residual-cnn")]
    [InlineData("unet")]
    [InlineData("gru")]
    [InlineData("attention")]
    public void NonFinite_names_the_module_whose_weight_was_planted_at_the_planted_step(string model)
    {
        using var run = new ZooRun(model, every: 3);
        string layer = run.Model.MiddleLayer;
        run.Steps(8, step =>
        {
            if (step == 6)
            {
                using (no_grad())
                {
                    run.Parameter($"{layer}.weight").view(-1)[0] = float.NaN;
                }
            }
        });

        var alert = Assert.Single(run.Watch.Alerts, a => a.Kind == AlertKind.NonFinite);
        Assert.Equal(layer, alert.Layer);
        Assert.Equal(6, alert.Step);
        Assert.Contains("1 NaN in its weight", alert.Message);
    }

    [Fact]
    public void NonFinite_in_the_input_batch_is_named_as_such()
    {
        using var run = new ZooRun("mlp-blocks", every: 2);
        var poisoned = run.Batch(8).Input;
        poisoned[3, 2] = float.NaN;
        run.Steps(2);
        using (var scope = NewDisposeScope())
        {
            var (_, y) = run.Batch(8);
            run.Optimizer.zero_grad();
            var loss = run.Model.Loss(run.Model.call(poisoned), y);
            loss.backward();
            run.Watch.Step(loss);
        }

        var alert = Assert.Single(run.Watch.Alerts, a => a.Kind == AlertKind.NonFinite);
        Assert.Equal("input", alert.Layer);
        Assert.Equal(2, alert.Step);
        Assert.Contains("input batch: 1 NaN", alert.Message);
    }

    [Fact]
    public void A_NaN_made_by_a_module_from_finite_weights_names_that_module_output()
    {
        // block2's gain set to +inf: block2.fc and block2.act stay finite, block2's own output is the first non-finite.
        using var run = new ZooRun("mlp-blocks", every: 1);
        run.Steps(1);
        using (no_grad())
        {
            run.Parameter("block2.gain").fill_(float.PositiveInfinity);
        }

        run.Steps(1);
        var alert = Assert.Single(run.Watch.Alerts, a => a.Kind == AlertKind.NonFinite);
        Assert.Equal("block2", alert.Layer);
        Assert.Contains("in its gain", alert.Message);
    }

    [Fact]
    public void The_projector_takes_the_last_Linear_that_ran_not_the_last_registered()
    {
        // Registration lists head before the blocks (built-in children first): block3.fc is last registered, head last run.
        using var run = new ZooRun("mlp-blocks", every: 1, new WatchOptions { AlertsToConsole = false, Pictures = null });
        run.Steps(2);
        run.Watch.Dispose();

        string config = File.ReadAllText(Path.Combine(run.Dir.Path, "projector_config.pbtxt"));
        Assert.Contains("head input", config);
        Assert.DoesNotContain("block3", config);
    }

    [Fact]
    public void GradCam_takes_the_last_conv_that_ran_not_the_last_registered()
    {
        // mix (a built-in Conv2d field) is registered before the blocks' convs but runs after them.
        using var run = new ZooRun("residual-cnn", every: 1, new WatchOptions { AlertsToConsole = false, Projector = null });
        run.Steps(1);
        run.Watch.Dispose();

        var tags = RunReader.Values(run.Dir.Path).Select(v => v.Value.Tag).ToHashSet();
        Assert.Contains("gradcam/mix", tags);
        Assert.DoesNotContain(tags, t => t.StartsWith("gradcam/block", StringComparison.Ordinal));
    }

    [Fact]
    public void Dead_units_of_a_batch_first_sequence_are_counted_on_the_feature_axis()
    {
        // [B, T, F] after proj → ReLU: 5 of 16 features planted dead (zero for every sample and time step).
        using var run = new ZooRun("gru", every: 1);
        using (no_grad())
        {
            var weight = run.Parameter("encoder.proj.weight");
            var bias = run.Parameter("encoder.proj.bias");
            weight.narrow(0, 0, 5).zero_();
            bias.narrow(0, 0, 5).fill_(-1f);
        }

        run.Steps(1); // sampled before the optimizer step moves the planted weights
        run.Watch.Dispose();
        var values = RunReader.Values(run.Dir.Path);
        Assert.Equal(5, RunReader.Scalar(values, "activation_dead_units/encoder.act", 0));
    }

    [Fact]
    public void Dead_channels_of_a_conv_output_are_counted_on_dimension_1()
    {
        using var run = new ZooRun("residual-cnn", every: 1);
        using (no_grad())
        {
            run.Parameter("block1.bn1.bias").narrow(0, 0, 3).fill_(-100f);
        }

        run.Steps(1);
        run.Watch.Dispose();
        Assert.Equal(3, RunReader.Scalar(RunReader.Values(run.Dir.Path), "activation_dead_units/block1.relu1", 0));
    }

    [Fact]
    public void A_validation_pass_between_training_steps_is_not_recorded_in_place_of_the_training_batch()
    {
        using var run = new ZooRun("mlp-blocks", every: 2);
        run.Steps(2); // step 1 ends armed for step 2

        // Validation the usual ways: eval mode; and train mode under no_grad. Inputs 1000× the training data's scale.
        var (x, _) = run.Batch(8);
        var huge = x.mul(1000f);
        run.Model.eval();
        using (no_grad())
        {
            run.Model.call(huge);
        }

        run.Model.train();
        using (no_grad())
        {
            run.Model.call(huge);
        }

        Assert.True(run.Watch.ActivationHooksArmed);
        run.Steps(1);
        run.Watch.Dispose();

        var values = RunReader.Values(run.Dir.Path);
        float training = RunReader.Scalar(values, "activation_std/stem", 2);
        float before = RunReader.Scalar(values, "activation_std/stem", 0);
        Assert.True(training < 20 * before, $"stem std at step 2 was {training} (step 0: {before}): the validation batch was recorded");
    }

    [Fact]
    public void A_model_without_children_is_measured_as_model()
    {
        manual_seed(3);
        using var model = nn.Linear(6, 3);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        using var dir = new TempDirectory();
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null }))
        {
            using var scope = NewDisposeScope();
            var output = model.call(randn(4, 6));
            var loss = output.mul(output).mean();
            loss.backward();
            watch.Step(loss);
        }

        var tags = RunReader.Values(dir.Path).Select(v => v.Value.Tag).ToHashSet();
        Assert.Contains("activation_mean/model", tags);
        Assert.Contains("activation_dead_units/model", tags);
    }
}
