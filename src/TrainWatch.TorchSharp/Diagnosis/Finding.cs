namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>A condition that holds on one sample; the <see cref="AlertLatch"/> decides whether it starts an alert.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Layer">Where.</param>
/// <param name="Value">The measurement that tripped the rule.</param>
/// <param name="Message">A sentence for people.</param>
internal sealed record Finding(AlertKind Kind, string Layer, double Value, string Message);
