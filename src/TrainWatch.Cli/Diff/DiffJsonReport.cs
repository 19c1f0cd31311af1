using System.Text.Json;
using TrainWatch.Cli.Output;

namespace TrainWatch.Cli.Diff;

/// <summary>The diff as JSON for scripts: every tag's per-step series plus the verdicts.</summary>
internal static class DiffJsonReport
{
    /// <summary>Writes <paramref name="result"/> as one JSON document.</summary>
    public static void Write(DiffResult result, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("run_a", result.RunA.Directory);
        json.WriteString("run_b", result.RunB.Directory);
        json.WriteString("distance", "W1 / sqrt((E_A[x^2] + E_B[x^2]) / 2)");
        json.WriteDouble("threshold", result.Options.Threshold);
        json.WriteDouble("explode_factor", result.Options.ExplodeFactor);
        json.WriteBoolean("findings", result.HasFindings);
        json.WriteString("summary", DiffTextReport.Summarize(result));
        WriteStrings(json, "tags_only_in_a", result.TagsOnlyInA);
        WriteStrings(json, "tags_only_in_b", result.TagsOnlyInB);
        WriteStrings(json, "notes", result.Notes);
        json.WriteStartArray("tags");
        foreach (var tag in result.Ranked)
        {
            WriteTag(json, tag);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTag(Utf8JsonWriter json, TagComparison tag)
    {
        json.WriteStartObject();
        json.WriteString("tag", tag.Tag);
        json.WriteDouble("max_distance", tag.MaxDistance);
        json.WriteNullableNumber("max_distance_step", tag.MaxDistanceStep);
        json.WriteNullableNumber("onset_step", tag.OnsetStep);
        json.WriteString("grid_a", tag.GridA);
        json.WriteString("grid_b", tag.GridB);
        json.WriteNumber("steps_only_in_a", tag.StepsOnlyInA);
        json.WriteNumber("steps_only_in_b", tag.StepsOnlyInB);
        WriteExplosion(json, "exploding_in_a", tag.ExplodingInA);
        WriteExplosion(json, "exploding_in_b", tag.ExplodingInB);
        json.WriteStartArray("steps");
        foreach (long step in tag.Steps)
        {
            json.WriteNumberValue(step);
        }

        json.WriteEndArray();
        WriteDoubles(json, "distances", tag.Distances);
        WriteDoubles(json, "norm_ratios", tag.NormRatios);
        WriteDoubles(json, "std_ratios", tag.StdRatios);
        json.WriteEndObject();
    }

    private static void WriteExplosion(Utf8JsonWriter json, string name, ExplosionFinding? finding)
    {
        if (finding is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteDouble("growth_factor", finding.GrowthFactor);
        json.WriteNumber("from_step", finding.FromStep);
        json.WriteNumber("to_step", finding.ToStep);
        json.WriteNullableNumber("non_finite_step", finding.NonFiniteStep);
        json.WriteString("description", finding.Describe());
        json.WriteEndObject();
    }

    private static void WriteDoubles(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteDoubleValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
