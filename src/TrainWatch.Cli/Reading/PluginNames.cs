namespace TrainWatch.Cli.Reading;

/// <summary>TensorBoard's plugin names (each plugin's <c>metadata.py</c>).</summary>
internal static class PluginNames
{
    public const string Scalars = "scalars";
    public const string Histograms = "histograms";
    public const string Text = "text";
    public const string Images = "images";
    public const string Audio = "audio";
}
