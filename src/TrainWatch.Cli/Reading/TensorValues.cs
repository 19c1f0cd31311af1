using System.Buffers.Binary;
using System.Text;
using TrainWatch.Protos;

namespace TrainWatch.Cli.Reading;

/// <summary>Reads the numbers and strings out of a <see cref="TensorProto"/>, in either of its encodings.</summary>
internal static class TensorValues
{
    /// <summary>The number of elements the shape declares (1 for rank 0).</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var dim in tensor.TensorShape?.Dim ?? [])
        {
            count *= dim.Size;
        }

        return count;
    }

    /// <summary>
    /// The elements of a DT_FLOAT or DT_DOUBLE tensor as doubles: from <c>tensor_content</c> (packed little-endian)
    /// when present, else from <c>float_val</c>/<c>double_val</c>. A single repeated value stands for all elements, as in
    /// TensorFlow. Null for other types or when the counts do not add up.
    /// </summary>
    public static double[]? ToDoubles(TensorProto tensor)
    {
        long count = ElementCount(tensor);
        if (count < 0 || count > int.MaxValue)
        {
            return null;
        }

        var content = tensor.TensorContent.Span;
        switch (tensor.Dtype)
        {
            case DataType.DtFloat when !content.IsEmpty:
                return content.Length == count * sizeof(float) ? FromLittleEndianFloats(content) : null;
            case DataType.DtDouble when !content.IsEmpty:
                return content.Length == count * sizeof(double) ? FromLittleEndianDoubles(content) : null;
            case DataType.DtFloat:
                return Expand(tensor.FloatVal.Select(v => (double)v).ToArray(), (int)count);
            case DataType.DtDouble:
                return Expand(tensor.DoubleVal.ToArray(), (int)count);
            default:
                return null;
        }
    }

    /// <summary>The first string of a DT_STRING tensor as UTF-8 text, or null.</summary>
    public static string? FirstString(TensorProto tensor) =>
        tensor.Dtype == DataType.DtString && tensor.StringVal.Count > 0 ? Encoding.UTF8.GetString(tensor.StringVal[0].Span) : null;

    private static double[] FromLittleEndianFloats(ReadOnlySpan<byte> bytes)
    {
        var values = new double[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }

    private static double[] FromLittleEndianDoubles(ReadOnlySpan<byte> bytes)
    {
        var values = new double[bytes.Length / sizeof(double)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * sizeof(double))..]);
        }

        return values;
    }

    private static double[]? Expand(double[] values, int count)
    {
        if (values.Length == count)
        {
            return values;
        }

        // TensorFlow's compact form: one value repeated for the whole tensor.
        return values.Length == 1 ? Enumerable.Repeat(values[0], count).ToArray() : null;
    }
}
