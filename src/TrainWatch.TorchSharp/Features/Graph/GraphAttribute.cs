using Google.Protobuf;
using TrainWatch.Protos;

namespace TrainWatch.Graph;

/// <summary>A node attribute value: an integer, a string, a shape, or a list of shapes or integers.</summary>
public sealed class GraphAttribute
{
    private readonly Func<AttrValue> _build;

    private GraphAttribute(Func<AttrValue> build) => _build = build;

    /// <summary>An integer (a parameter count, a channel count).</summary>
    public static GraphAttribute Int(long value) => new(() => new AttrValue { I = value });

    /// <summary>A string (shown as text).</summary>
    public static GraphAttribute Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(() => new AttrValue { S = ByteString.CopyFromUtf8(value) });
    }

    /// <summary>A tensor shape (a weight's dimensions).</summary>
    public static GraphAttribute Shape(IReadOnlyList<long> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        long[] copy = [.. dimensions];
        return new(() => new AttrValue { Shape = ToShape(copy) });
    }

    /// <summary>A list of shapes.</summary>
    public static GraphAttribute Shapes(IEnumerable<IReadOnlyList<long>> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        long[][] copy = [.. shapes.Select(s => s.ToArray())];
        return new(() =>
        {
            var list = new AttrValue.Types.ListValue();
            list.Shape.AddRange(copy.Select(ToShape));
            return new AttrValue { List = list };
        });
    }

    /// <summary>A list of integers.</summary>
    public static GraphAttribute Ints(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        long[] copy = [.. values];
        return new(() => new AttrValue { List = new AttrValue.Types.ListValue { I = { copy } } });
    }

    /// <summary>The protobuf value (a fresh message on every call).</summary>
    public AttrValue ToAttrValue() => _build();

    internal static TensorShapeProto ToShape(IReadOnlyList<long> dimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dimensions.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }
}
