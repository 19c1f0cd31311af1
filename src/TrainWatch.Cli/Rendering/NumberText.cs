using System.Globalization;

namespace TrainWatch.Cli.Rendering;

/// <summary>Numbers as text for CSV and tables: invariant culture, shortest round-trip form.</summary>
internal static class NumberText
{
    /// <summary>The shortest text that reads back to <paramref name="value"/>; float32-exact values in their float form.</summary>
    public static string RoundTrip(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return (double)(float)value == value
            ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>A compact form for tables (4 significant digits).</summary>
    public static string Short(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? (value > 0 ? "∞" : "-∞") : value.ToString("G4", CultureInfo.InvariantCulture);
}
