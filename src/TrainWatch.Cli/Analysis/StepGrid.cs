using System.Globalization;

namespace TrainWatch.Cli.Analysis;

/// <summary>Describes which steps a series was logged at, in words a user can compare between runs.</summary>
internal static class StepGrid
{
    /// <summary>E.g. <c>0..990 every 10 (100 steps)</c>, <c>5..17, 4 irregular steps</c>, <c>step 3</c> or <c>no steps</c>.</summary>
    public static string Describe(IReadOnlyList<long> sortedSteps)
    {
        var c = CultureInfo.InvariantCulture;
        switch (sortedSteps.Count)
        {
            case 0:
                return "no steps";
            case 1:
                return string.Create(c, $"step {sortedSteps[0]}");
        }

        long first = sortedSteps[0], last = sortedSteps[^1];
        long interval = sortedSteps[1] - first;
        bool regular = true;
        for (int i = 2; i < sortedSteps.Count && regular; i++)
        {
            regular = sortedSteps[i] - sortedSteps[i - 1] == interval;
        }

        return regular
            ? string.Create(c, $"{first}..{last} every {interval} ({sortedSteps.Count} steps)")
            : string.Create(c, $"{first}..{last}, {sortedSteps.Count} irregular steps");
    }
}
