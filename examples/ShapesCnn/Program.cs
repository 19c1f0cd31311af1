// TrainWatch's main example: trains ShapesCnnModel on ShapesDataset with a plain TorchSharp training loop.
// The loop is deliberately ordinary (zero_grad, forward, loss, backward, step, one dispose scope per step):
// it is the loop users have, and the one TrainWatch must fit into with two lines.
//
//   dotnet run --project examples/ShapesCnn -c Release -- --steps 300            healthy run
//   dotnet run --project examples/ShapesCnn -c Release -- --steps 300 --lr 5     diverges (loss -> NaN)

using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TrainWatch.Examples.ShapesCnn;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

const int ExitBadArguments = 2;
const int ExitDeviceUnavailable = 1;
const int ProgressEvery = 50;
// Held-out images for the final accuracy; a different seed than training so they are unseen images.
const int EvaluationImages = 1024;
const ulong EvaluationSeedOffset = 1_000_003;

if (TrainingOptions.IsHelpRequested(args))
{
    Console.WriteLine(TrainingOptions.Usage);
    return 0;
}
if (!TrainingOptions.TryParse(args, out var options, out var parseError))
{
    Console.Error.WriteLine($"error: {parseError}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(TrainingOptions.Usage);
    return ExitBadArguments;
}
if (options.Device == DeviceType.CUDA && !cuda.is_available())
{
    Console.Error.WriteLine(
        "error: --device cuda was requested but CUDA is not available (torch.cuda.is_available() is false). " +
        "It needs an NVIDIA GPU with its driver, and a build with the CUDA runtime " +
        "(dotnet build -p:TorchBackend=cuda); this build may use the CPU-only runtime. Use --device cpu instead.");
    return ExitDeviceUnavailable;
}

var device = new Device(options.Device);
// Weights are initialised on the CPU and then moved, so the same seed gives the same model on any device.
random.manual_seed((long)options.Seed);
if (options.Device == DeviceType.CUDA)
    cuda.manual_seed_all((long)options.Seed);

string runDirectory = Path.GetFullPath(options.LogDir);
Directory.CreateDirectory(runDirectory);

using var dataset = new ShapesDataset(options.Seed, device);
using var model = new ShapesCnnModel(ShapesDataset.ClassCount).to(device);
// SGD with momentum rather than Adam: Adam's per-parameter normalisation caps each update at about the
// learning rate, which hides a too-high --lr; plain momentum SGD diverges visibly, which the example must show.
using var optimizer = optim.SGD(model.parameters(), options.LearningRate, momentum: 0.9);
using var lossFunction = nn.CrossEntropyLoss();
var parameters = model.parameters().ToArray();

Console.WriteLine(
    $"ShapesCnn: {ShapesDataset.ClassCount} classes ({string.Join(", ", ShapesDataset.ClassNames)}), " +
    $"{parameters.Sum(p => p.numel()):N0} parameters");
Console.WriteLine(
    $"device {device}, {get_num_threads()} threads, steps {options.Steps}, batch {options.BatchSize}, " +
    $"lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)} (SGD, momentum 0.9), seed {options.Seed}, " +
    $"every {options.SampleEvery}");
Console.WriteLine($"run directory: {runDirectory}");
Console.WriteLine();
Console.WriteLine($"{"step",6} {"loss",12} {"accuracy",9} {"grad-norm",12} {"steps/s",8}");

model.train();
// TrainWatch: the one line that attaches the monitor.
using var watch = TrainWatcher.Attach(model, optimizer, runDirectory, every: options.SampleEvery);
var totalTime = Stopwatch.StartNew();
var intervalTime = Stopwatch.StartNew();
int intervalStart = 0;
float lastLoss = float.NaN, lastAccuracy = float.NaN;

for (int step = 1; step <= options.Steps; step++)
{
    // Frees every tensor of this step (batch, activations, loss, gradient-norm helpers) at the end of the iteration.
    using var scope = NewDisposeScope();
    var (images, labels) = dataset.NextBatch(options.BatchSize);

    optimizer.zero_grad();
    var output = model.call(images);
    var loss = lossFunction.call(output, labels);
    loss.backward();
    // After backward() so gradients exist, before step() so they belong to the weights that produced this loss.
    watch.Step(loss);
    optimizer.step();

    bool isLastStep = step == options.Steps;
    if (step % ProgressEvery == 0 || isLastStep)
    {
        // Only on progress lines: each host copy forces a device sync, which would slow every step on a GPU.
        // Gradients are still those of this step: step() reads them but leaves them in place until zero_grad().
        var accuracy = output.argmax(1).eq(labels).to(ScalarType.Float32).mean();
        var gradientNorm = stack(parameters.Where(p => p.grad is not null).Select(p => p.grad!.norm())).norm(); // ‖(‖g₁‖, ‖g₂‖, …)‖ = ‖g‖
        float[] values = stack([loss.detach(), accuracy, gradientNorm]).cpu().data<float>().ToArray();
        (lastLoss, lastAccuracy) = (values[0], values[1]);
        watch.Writer?.AddScalar("train/batch_accuracy", lastAccuracy, watch.CurrentStep - 1);

        double stepsPerSecond = (step - intervalStart) / intervalTime.Elapsed.TotalSeconds;
        string warning = float.IsFinite(lastLoss) ? "" : "   <- loss is not finite: learning rate too high?";
        Console.WriteLine(FormattableString.Invariant(
            $"{step,6} {lastLoss,12:G5} {lastAccuracy,9:P1} {values[2],12:G5} {stepsPerSecond,8:F1}{warning}"));
        intervalStart = step;
        intervalTime.Restart();
    }
}
totalTime.Stop();

var (evaluationLoss, evaluationAccuracy) = Evaluate(model, lossFunction, options.Seed + EvaluationSeedOffset, device);
// The HParams tab compares runs by these (e.g. a healthy and a too-high learning rate side by side); the final
// metrics are also written as scalars of the run.
watch.LogHParams(
    new Dictionary<string, object> { ["lr"] = options.LearningRate, ["batch_size"] = options.BatchSize, ["steps"] = options.Steps, ["seed"] = (double)options.Seed },
    new Dictionary<string, double> { ["eval/accuracy"] = evaluationAccuracy, ["eval/loss"] = evaluationLoss });
if (watch.Alerts.Count > 0)
{
    Console.WriteLine($"TrainWatch raised {watch.Alerts.Count} alert(s); the first: {watch.Alerts[0]}");
}
Console.WriteLine();
Console.WriteLine(FormattableString.Invariant(
    $"trained {options.Steps} steps in {totalTime.Elapsed.TotalSeconds:F1} s ({options.Steps / totalTime.Elapsed.TotalSeconds:F1} steps/s)"));
Console.WriteLine(FormattableString.Invariant(
    $"final training batch: loss {lastLoss:G5}, accuracy {lastAccuracy:P1}"));
Console.WriteLine(FormattableString.Invariant(
    $"held-out {EvaluationImages} images: loss {evaluationLoss:G5}, accuracy {evaluationAccuracy:P1} (chance: {1.0 / ShapesDataset.ClassCount:P1})"));
Console.WriteLine($"run directory: {runDirectory}");
Console.WriteLine($"open it with:  tensorboard --logdir \"{runDirectory}\"");
return 0;

// Loss and accuracy on fresh images, in eval mode (batch norm uses its running statistics) without autograd.
static (float Loss, float Accuracy) Evaluate(ShapesCnnModel model, nn.Module<Tensor, Tensor, Tensor> lossFunction, ulong seed, Device device)
{
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    using var evaluationData = new ShapesDataset(seed, device);
    model.eval();
    var (images, labels) = evaluationData.NextBatch(EvaluationImages);
    var output = model.call(images);
    var loss = lossFunction.call(output, labels);
    var accuracy = output.argmax(1).eq(labels).to(ScalarType.Float32).mean();
    float[] values = stack([loss, accuracy]).cpu().data<float>().ToArray();
    model.train();
    return (values[0], values[1]);
}
