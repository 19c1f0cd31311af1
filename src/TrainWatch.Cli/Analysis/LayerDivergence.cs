namespace TrainWatch.Cli.Analysis;

/// <summary>One layer (parameter) of the root-cause analysis: its gradient-norm and weight-norm ratios B/A.</summary>
/// <param name="Layer">The parameter name (<c>fc1.weight</c>), or the histogram tag for runs not written by the watcher.</param>
/// <param name="Gradient">ln(‖g_B‖/‖g_A‖) per step and its onset: the series the verdict is based on.</param>
/// <param name="Weight">ln(‖w_B‖/‖w_A‖), further evidence (null when the run logs no weights for it).</param>
/// <param name="Ordinal">Where the layer first appears in run A (a proxy for module order).</param>
internal sealed record LayerDivergence(string Layer, LogRatioSeries Gradient, LogRatioSeries? Weight, int Ordinal);
