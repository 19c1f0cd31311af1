using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.Examples.FaultZoo.Zoo;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>
/// A fast subset of the fault zoo (scripts/diagnosis-zoo.sh runs all of it): each planted fault is alerted with the
/// right kind and layer within one sampling interval, and healthy and converged runs raise nothing at all.
/// </summary>
public sealed class FaultZooTests
{
    private static readonly ZooSettings s_settings = new([], [], Steps: 140, Every: 5, Onset: 100, Path.Combine(Path.GetTempPath(), $"trainwatch-zoo-tests-{Environment.ProcessId}"), CliPath: null, ReportPath: null);

    [Theory]
    [InlineData("mlp-blocks", "healthy")]
    [InlineData("mlp-blocks", "converge")]
    [InlineData("residual-cnn", "converge")]
    [InlineData("unet", "healthy")]
    [InlineData("gru", "healthy")]
    [InlineData("mlp-blocks", "grad-blowup")]
    [InlineData("unet", "nan-weight")]
    [InlineData("gru", "dead-relu")]
    [InlineData("attention", "frozen")]
    [InlineData("sigmoid-mlp", "saturate")]
    [InlineData("residual-cnn", "nan-input")]
    [InlineData("gru", "lr-x100")]
    public void The_planted_fault_is_alerted_at_its_layer_within_one_interval_and_nothing_else_is(string modelName, string faultName)
    {
        var fault = Fault.All.Single(f => f.Name == faultName);
        using var model = ZooModels.Create(modelName);
        var run = CaseRunner.Run(modelName, fault, s_settings);
        try
        {
            var score = CaseScore.For(run, model, s_settings, diff: null);
            Assert.True(score.FalseAlerts.Count == 0, string.Join("\n", score.FalseAlerts));
            if (!fault.IsHealthy)
            {
                Assert.True(score.Detected, $"missed; alerts: {string.Join("\n", run.Alerts)}");
                Assert.True(score.LayerRight, $"expected {score.ExpectedLayer}, got {score.Detection}");
                Assert.InRange(score.Delay!.Value, 0, 1);
            }
        }
        finally
        {
            // The whole output folder, not only this run's: its model folders were left behind, one set per test
            // process. xUnit runs one class's tests one after another, and the next run makes the folder again.
            Directory.Delete(s_settings.OutputDirectory, recursive: true);
        }
    }
}
