using System.Globalization;
using System.Text;
using TrainWatch.Protos.Plugins.Projector;

namespace TrainWatch.Projector;

/// <summary>
/// Writes a <see cref="ProjectorConfig"/> in protobuf text format, the format the projector reads from
/// <c>projector_config.pbtxt</c> (Google.Protobuf for C# has no text-format printer). Only the fields TrainWatch sets.
/// </summary>
public static class ProjectorConfigText
{
    /// <summary>The config in text format.</summary>
    public static string Format(ProjectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder();
        if (config.ModelCheckpointPath.Length > 0)
        {
            Field(text, 0, "model_checkpoint_path", config.ModelCheckpointPath);
        }

        foreach (var embedding in config.Embeddings)
        {
            text.Append("embeddings {\n");
            Field(text, 1, "tensor_name", embedding.TensorName);
            if (embedding.MetadataPath.Length > 0)
            {
                Field(text, 1, "metadata_path", embedding.MetadataPath);
            }

            foreach (uint dimension in embedding.TensorShape)
            {
                text.Append(CultureInfo.InvariantCulture, $"  tensor_shape: {dimension}\n");
            }

            if (embedding.Sprite is { } sprite)
            {
                text.Append("  sprite {\n");
                Field(text, 2, "image_path", sprite.ImagePath);
                foreach (uint dimension in sprite.SingleImageDim)
                {
                    text.Append(CultureInfo.InvariantCulture, $"    single_image_dim: {dimension}\n");
                }

                text.Append("  }\n");
            }

            Field(text, 1, "tensor_path", embedding.TensorPath);
            text.Append("}\n");
        }

        return text.ToString();
    }

    private static void Field(StringBuilder text, int depth, string name, string value)
    {
        text.Append(' ', depth * 2).Append(name).Append(": \"").Append(Escape(value)).Append("\"\n");
    }

    // Text-format strings are C-escaped byte strings: quote, backslash and anything outside printable ASCII become
    // escapes, so any path (spaces, non-ASCII) survives.
    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            escaped.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                < 0x20 or >= 0x7F => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'),
                _ => ((char)b).ToString(),
            });
        }

        return escaped.ToString();
    }
}
