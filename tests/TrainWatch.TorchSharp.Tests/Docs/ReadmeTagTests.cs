using System.Text.RegularExpressions;
using TrainWatch.TorchSharp.Tests.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Docs;

/// <summary>The tags the README's "Reading a run" section names are the tags an autoencoder's run really has.</summary>
public sealed class ReadmeTagTests
{
    [Fact]
    public void Every_tag_the_README_names_for_a_run_is_written_by_an_autoencoder_run()
    {
        string section = Readme.Text.Split("\n## Reading a run\n")[1].Split("\n## ")[0];
        // `train/loss`, `weight_norm/…`, `trainwatch/features/…`: a whole tag, or a family ending in "…".
        var named = Regex.Matches(section, @"`([a-z_]+/[a-z_/]*)(…)?`").Select(m => (Tag: m.Groups[1].Value, Family: m.Groups[2].Success)).ToList();
        Assert.True(named.Count >= 15, $"the README names {named.Count} tags");

        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = AutoencoderPictureTests.Autoencoder();
        var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var criterion = MSELoss();
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, new WatchOptions { Every = 1, AlertsToConsole = false, Logger = new ListLogger() }))
        {
            for (int step = 0; step < 3; step++)
            {
                using var scope = NewDisposeScope();
                var x = rand(4, 1, 16, 16);
                optimizer.zero_grad();
                var loss = criterion.call(model.call(x), x);
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }
        }

        var written = RunReader.Values(dir.Path).Select(v => v.Value.Tag).ToHashSet(StringComparer.Ordinal);
        // Alerts are written when one fires; this healthy three-step run has none.
        foreach (var (tag, family) in named.Where(n => !n.Tag.StartsWith("alerts/", StringComparison.Ordinal)))
        {
            Assert.True(
                family ? written.Any(w => w.StartsWith(tag, StringComparison.Ordinal)) : written.Contains(tag),
                $"the README names `{tag}{(family ? "…" : "")}`, which the run does not have; it has: {string.Join(", ", written.Order().Take(80))}");
        }
    }
}
