using System.Globalization;
using System.Text.RegularExpressions;
using TrainWatch.Projector;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Tabs;

public sealed class ProjectorTabTests
{
    private sealed record ConfigEntry(string TensorName, string TensorPath, string MetadataPath, string SpritePath, int[] SingleImageDim, int[] TensorShape);

    // A reader independent of the writer: the text-format fields the projector uses.
    private static List<ConfigEntry> ReadConfig(string run)
    {
        string text = File.ReadAllText(Path.Combine(run, ProjectorWriter.ConfigFileName));
        return Regex.Matches(text, @"(?s)embeddings \{\n(.*?)\n\}\n").Select(block =>
        {
            string body = block.Groups[1].Value;
            string Field(string name) => Regex.Match(body, $@"(?m)^\s*{name}: ""([^""]*)""").Groups[1].Value;
            int[] Numbers(string name) => Regex.Matches(body, $@"(?m)^\s*{name}: (\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            return new ConfigEntry(Field("tensor_name"), Field("tensor_path"), Field("metadata_path"), Field("image_path"), Numbers("single_image_dim"), Numbers("tensor_shape"));
        }).ToList();
    }

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public void With_a_probe_the_features_labels_predictions_and_sprite_agree_and_the_config_lists_every_step()
    {
        using var dir = new TempDirectory();
        string run = Training.RunDirectory(dir, "projector");
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var options = new WatchOptions { AlertsToConsole = false, Projector = new ProjectorOptions { EverySteps = 2 } };
        using (var watch = TrainWatcher.Attach(model, optimizer, run, every: 1, options))
        {
            var (x, y) = SmallCnn.Batch(12, new Generator(7));
            watch.SetProjectorProbe(x, y);
            x.Dispose();
            y.Dispose();
            Training.Run(model, optimizer, watch, steps: 5); // samples 0..4: the projector writes at samples 0, 2 and 4
            Assert.True(model.training); // the probe pass ran in eval mode and train mode came back
        }

        var config = ReadConfig(run);
        Assert.Equal(["projector/0/tensors.tsv", "projector/2/tensors.tsv", "projector/4/tensors.tsv"], config.Select(e => e.TensorPath));
        // The snapshots stay under projector/: the run's root has no folder per step.
        Assert.DoesNotContain(Directory.GetDirectories(run).Select(d => Path.GetFileName(d)!), name => name.All(char.IsAsciiDigit));
        Assert.Equal(["0", "2", "4"], Directory.GetDirectories(Path.Combine(run, "projector")).Select(d => Path.GetFileName(d)!).Order());
        Assert.Equal(3, config.Select(e => e.TensorName).Distinct().Count());
        foreach (var entry in config)
        {
            Assert.Contains("classifier/3", entry.TensorName);
            var tensor = File.ReadAllLines(Path.Combine(run, entry.TensorPath))
                .Select(l => l.Split('\t').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            Assert.Equal(12, tensor.Length);
            Assert.All(tensor, row => Assert.Equal(8, row.Length)); // the input of the last Linear(8, 3)
            Assert.Equal([12, 8], entry.TensorShape);

            var metadata = File.ReadAllLines(Path.Combine(run, entry.MetadataPath));
            Assert.Equal("label\tpredicted", metadata[0]); // two columns: a header row
            Assert.Equal(tensor.Length, metadata.Length - 1);
            Assert.All(metadata[1..], line => Assert.Matches(@"^[0-2]\t[0-2]$", line));

            var (width, height) = PngSize(Path.Combine(run, entry.SpritePath));
            Assert.Equal([8, 8], entry.SingleImageDim);
            int cells = (width / 8) * (height / 8);
            Assert.True(cells >= tensor.Length, $"{cells} sprite cells for {tensor.Length} points");
        }

        // The features change as the model learns.
        Assert.NotEqual(File.ReadAllText(Path.Combine(run, "projector/0/tensors.tsv")), File.ReadAllText(Path.Combine(run, "projector/4/tensors.tsv")));
    }

    [Fact]
    public void The_probe_pass_restores_each_modules_own_mode()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        model.Features.eval(); // a frozen part stays frozen
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false }))
        {
            Training.Run(model, optimizer, watch, steps: 1);
        }

        Assert.True(model.training);
        Assert.True(model.Classifier.training);
        Assert.False(model.Features.training);
        Assert.True(File.Exists(Path.Combine(dir.Path, ProjectorWriter.ConfigFileName)));
    }

    [Fact]
    public void Without_a_probe_the_first_batch_is_captured_and_predictions_alone_need_no_header()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var options = new WatchOptions { AlertsToConsole = false, Projector = new ProjectorOptions { ProbeSize = 5 } };
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, options))
        {
            Training.Run(model, optimizer, watch, steps: 3, batchSize: 8);
        }

        var entry = Assert.Single(ReadConfig(dir.Path));
        Assert.Equal("projector/0/tensors.tsv", entry.TensorPath);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir.Path, entry.TensorPath)).Length);
        var metadata = File.ReadAllLines(Path.Combine(dir.Path, entry.MetadataPath));
        Assert.Equal(5, metadata.Length);
        Assert.All(metadata, line => Assert.Matches(@"^[0-2]$", line));
    }

    [Fact]
    public void A_named_module_is_projected_and_a_missing_one_is_reported_once_without_failing_training()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var named = new WatchOptions { AlertsToConsole = false, Logger = logger, Projector = new ProjectorOptions { ModuleName = "classifier/1" } };
        using (var watch = TrainWatcher.Attach(model, optimizer, Path.Combine(dir.Path, "named"), every: 1, named))
        {
            Training.Run(model, optimizer, watch, steps: 1);
        }

        var entry = Assert.Single(ReadConfig(Path.Combine(dir.Path, "named")));
        Assert.All(File.ReadAllLines(Path.Combine(dir.Path, "named", entry.TensorPath)), row => Assert.Equal(64, row.Split('\t').Length));

        var missing = named with { Projector = new ProjectorOptions { ModuleName = "nope" } };
        using (var watch = TrainWatcher.Attach(model, optimizer, Path.Combine(dir.Path, "missing"), every: 1, missing))
        {
            Training.Run(model, optimizer, watch, steps: 3);
            Assert.Equal(0, watch.FailedSamples);
        }

        Assert.Single(logger.Messages, m => m.Contains("'nope'"));
        Assert.False(File.Exists(Path.Combine(dir.Path, "missing", ProjectorWriter.ConfigFileName)));
    }
}
