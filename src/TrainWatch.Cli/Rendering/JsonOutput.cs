using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TrainWatch.Cli.Rendering;

/// <summary>How every command writes JSON: indented, UTF-8, and with non-finite numbers as strings.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON writer over <paramref name="stream"/>; <paramref name="indented"/> false gives one document per line.</summary>
    public static Utf8JsonWriter Create(Stream stream, bool indented = true) => new(stream, indented ? s_indented : s_compact);

    /// <summary>A JSON writer into <paramref name="output"/>, with the same settings.</summary>
    public static Utf8JsonWriter Create(IBufferWriter<byte> output, bool indented = true) => new(output, indented ? s_indented : s_compact);

    /// <summary>
    /// Writes a number; NaN and ±∞ (a diverged loss is real data) become the strings "NaN", "Infinity", "-Infinity",
    /// because JSON has no literal for them.
    /// </summary>
    public static void WriteDouble(this Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        writer.WriteDoubleValue(value);
    }

    /// <inheritdoc cref="WriteDouble(Utf8JsonWriter, string, double)"/>
    public static void WriteDoubleValue(this Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            // Values that came from float32 print in their shortest float form (0.1, not 0.10000000149011612).
            if ((double)(float)value == value)
            {
                writer.WriteNumberValue((float)value);
            }
            else
            {
                writer.WriteNumberValue(value);
            }
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    /// <summary>Writes a nullable step or count.</summary>
    public static void WriteNullableNumber(this Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
