using TorchSharp;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Pictures;

/// <summary>A picture step must not disturb training: no leaked tensors, no gradients, no mode or batch-norm changes.</summary>
public sealed class PictureSafetyTests
{
    [Fact]
    public void Picture_steps_leak_no_tensor_and_copy_to_the_host_once_each()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var generator = new Generator(4);
        using var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, PictureRun.Options(every: 1, new PictureOptions { EverySteps = 1 }));

        // Warm up: gradients, optimizer state and the probe batch are allocated once, at the first steps.
        for (int i = 0; i < 5; i++)
        {
            model.TrainStep(optimizer, watch, generator);
        }

        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 50; i++)
        {
            model.TrainStep(optimizer, watch, generator);
        }

        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(0, watch.FailedSamples);
        Assert.Equal((55L, 55L), watch.PictureCounts);
    }

    [Fact]
    public void A_picture_step_leaves_gradients_modes_and_batch_norm_statistics_as_they_were()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var generator = new Generator(4);
        using var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, PictureRun.Options(every: 1, new PictureOptions { EverySteps = 1 }));
        model.TrainStep(optimizer, watch, generator);

        model.Classifier.eval(); // a part the user froze in eval mode must stay frozen
        var batchNorm = (global::TorchSharp.Modules.BatchNorm2d)model.Features.named_modules().Single(m => m.name == "1").module;
        using var scope = NewDisposeScope();
        var (x, y) = SmallCnn.Batch(8, generator);
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.call(x), y).backward();

        var gradients = model.parameters().Select(p => p.grad!.clone()).ToList();
        var modes = model.modules().Select(m => m.training).Prepend(model.training).ToList();
        var runningMean = batchNorm.running_mean!.clone();
        var runningVar = batchNorm.running_var!.clone();
        var (picturesBefore, _) = watch.PictureCounts;

        watch.Step();

        Assert.Equal(picturesBefore + 1, watch.PictureCounts.Steps);
        Assert.Equal(0, watch.FailedSamples);
        var parameters = model.parameters().ToList();
        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.True(parameters[i].grad!.eq(gradients[i]).all().item<bool>(), $"gradient of parameter {i} changed");
        }

        Assert.Equal(modes, model.modules().Select(m => m.training).Prepend(model.training).ToList());
        Assert.True(model.training);
        Assert.False(model.Classifier.training);
        Assert.True(batchNorm.running_mean!.eq(runningMean).all().item<bool>());
        Assert.True(batchNorm.running_var!.eq(runningVar).all().item<bool>());
    }
}
