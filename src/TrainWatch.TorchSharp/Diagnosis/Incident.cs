using System.Globalization;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// One fault as a person meets it: the root finding, chosen in causal order, and the findings it explains — those
/// of the same sample and of the samples that follow while alerts keep coming (see <see cref="IncidentGrouper"/>).
/// </summary>
/// <param name="Id">Its number in the run, from 1.</param>
/// <param name="Root">The finding that comes first in causal order.</param>
public sealed record Incident(int Id, Alert Root)
{
    private readonly List<Alert> _consequences = [];

    /// <summary>The other findings of the incident, in the order they were raised.</summary>
    public IReadOnlyList<Alert> Consequences => _consequences;

    /// <summary>The most severe of its findings.</summary>
    public AlertSeverity Severity => _consequences.Select(a => a.Severity).Append(Root.Severity).Max();

    /// <summary>The likely cause and what to try, from the fixed table (<see cref="CauseTable"/>).</summary>
    public Cause Cause => CauseTable.For(Root);

    internal void Add(Alert consequence) => _consequences.Add(consequence);

    /// <summary>One line for the root, its consequences indented under it, then the likely cause.</summary>
    public string Describe()
    {
        var lines = new List<string> { Root.ToString() };
        lines.AddRange(_consequences.Select(c => string.Create(CultureInfo.InvariantCulture, $"    → step {c.Step}: {c.Message}")));
        lines.Add($"    likely cause: {Cause.Description}; try: {Cause.WhatToTry}");
        return string.Join(Environment.NewLine, lines);
    }
}
