using TrainWatch.Imaging;
using TrainWatch.Projector;
using TrainWatch.Tests.Imaging;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Tabs;

public sealed class ProjectorWriterTests
{
    private static ProjectorEmbedding Embedding(string name, int rows, int columns, int metadataColumns, bool sprite)
    {
        var values = Enumerable.Range(0, rows * columns).Select(i => (i * 0.37f) - 3.1f).ToArray();
        var metadata = Enumerable.Range(0, metadataColumns)
            .Select(c => new ProjectorMetadataColumn(c == 0 ? "label" : "predicted", Enumerable.Range(0, rows).Select(r => $"class\t{(r + c) % 3}").ToArray()))
            .ToList();
        return new ProjectorEmbedding(name, values, rows, columns)
        {
            Metadata = metadata,
            Sprite = sprite ? SpriteSheet.Build(new byte[rows * 6 * 5 * 3], rows, height: 6, width: 5) : null,
        };
    }

    [Fact]
    public void Past_its_limit_the_writer_keeps_the_first_and_the_latest_embeddings_and_deletes_the_rest()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("notes.txt"), "not ours");
        var writer = new ProjectorWriter(dir.Path, maxEmbeddings: 3);
        foreach (int step in new[] { 0, 20, 40, 60, 80 })
        {
            string folder = step.ToString(System.Globalization.CultureInfo.InvariantCulture);
            writer.Add(folder, Embedding($"step {step}", rows: 4, columns: 2, metadataColumns: 1, sprite: true));
        }

        var config = ProjectorFiles.ParseConfig(File.ReadAllText(dir.Combine("projector_config.pbtxt")));
        Assert.Equal(["0/tensors.tsv", "60/tensors.tsv", "80/tensors.tsv"], config.Select(e => e.TensorPath));
        Assert.Equal(["0", "60", "80"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order());
        Assert.All(config, e => Assert.True(File.Exists(dir.Combine(e.TensorPath))));
        Assert.True(File.Exists(dir.Combine("notes.txt")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProjectorWriter(dir.Path, maxEmbeddings: 1));
    }

    [Fact]
    public void Files_parse_and_agree_in_row_counts_and_the_config_lists_every_embedding_written()
    {
        using var dir = new TempDirectory();
        var writer = new ProjectorWriter(dir.Path);
        writer.Add("0", Embedding("features @ step 0", rows: 10, columns: 4, metadataColumns: 2, sprite: true));
        writer.Add("20", Embedding("features @ step 20", rows: 10, columns: 4, metadataColumns: 1, sprite: false));

        var config = ProjectorFiles.ParseConfig(File.ReadAllText(dir.Combine("projector_config.pbtxt")));
        Assert.Equal(["features @ step 0", "features @ step 20"], config.Select(e => e.TensorName));
        Assert.Equal(["0/tensors.tsv", "20/tensors.tsv"], config.Select(e => e.TensorPath));
        foreach (var embedding in config)
        {
            // Paths are relative to the config's folder, as the projector resolves them.
            Assert.True(File.Exists(dir.Combine(embedding.TensorPath)));
            Assert.True(File.Exists(dir.Combine(embedding.MetadataPath!)));
            Assert.Equal([10u, 4u], embedding.TensorShape);
            var tensor = ProjectorFiles.ReadTensor(dir.Combine(embedding.TensorPath));
            Assert.Equal(10, tensor.Length);
            Assert.All(tensor, row => Assert.Equal(4, row.Length));
        }

        var (header, rows) = ProjectorFiles.ReadMetadata(dir.Combine(config[0].MetadataPath!), columns: 2);
        Assert.Equal(["label", "predicted"], header!);
        Assert.Equal(10, rows.Length);
        Assert.All(rows, r => Assert.Equal(2, r.Length)); // the tab inside a value became a space
        Assert.Equal("class 0", rows[0][0]);

        var (noHeader, singleRows) = ProjectorFiles.ReadMetadata(dir.Combine(config[1].MetadataPath!), columns: 1);
        Assert.Null(noHeader);
        Assert.Equal(10, singleRows.Length);

        Assert.Equal("0/sprite.png", config[0].SpritePath);
        Assert.Equal([5u, 6u], config[0].SingleImageDim); // [width, height]
        Assert.Null(config[1].SpritePath);
        using var sprite = new DecodedPng(File.ReadAllBytes(dir.Combine(config[0].SpritePath!)));
        int cells = (sprite.Width / 5) * (sprite.Height / 6);
        Assert.True(cells >= 10);
        Assert.Equal((4 * 5, 4 * 6), (sprite.Width, sprite.Height));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Tensor_values_round_trip_exactly()
    {
        using var dir = new TempDirectory();
        var embedding = Embedding("e", rows: 3, columns: 5, metadataColumns: 0, sprite: false);
        var info = new ProjectorWriter(dir.Path).Add("1", embedding);
        Assert.Equal(embedding.Values, ProjectorFiles.ReadTensor(dir.Combine(info.TensorPath)).SelectMany(r => r));
        Assert.Equal("", info.MetadataPath);
    }

    [Fact]
    public void Writing_a_folder_again_replaces_its_entry_and_names_are_escaped()
    {
        using var dir = new TempDirectory();
        var writer = new ProjectorWriter(dir.Path);
        writer.Add("5", Embedding("first", 2, 2, 0, false));
        writer.Add("5", Embedding("say \"ünïcode\" \\ here", 2, 2, 0, false));
        var config = ProjectorFiles.ParseConfig(File.ReadAllText(writer.ConfigPath));
        var entry = Assert.Single(config);
        Assert.Equal("say \"ünïcode\" \\ here", System.Text.Encoding.UTF8.GetString(entry.TensorName.Select(c => (byte)c).ToArray()));
    }

    [Fact]
    public void Mismatched_metadata_sprite_or_values_are_rejected_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var writer = new ProjectorWriter(dir.Path);
        var good = Embedding("e", 4, 2, 1, true);
        Assert.Throws<ArgumentException>(() => writer.Add("1", good with { Rows = 5 }));
        Assert.Throws<ArgumentException>(() => writer.Add("1", good with { Metadata = [new ProjectorMetadataColumn("x", ["a"])] }));
        Assert.Throws<ArgumentException>(() => writer.Add("1", good with { Sprite = SpriteSheet.Build(new byte[3 * 6 * 5 * 3], 3, 6, 5) }));
        Assert.Throws<ArgumentException>(() => writer.Add("../outside", good));
        Assert.False(File.Exists(writer.ConfigPath));
    }
}
