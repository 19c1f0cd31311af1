namespace TrainWatch.Cli.Reading;

/// <summary>What a summary value holds, whatever form its writer chose.</summary>
internal enum ValueKind
{
    /// <summary>A number: <c>simple_value</c> or a rank-0 tensor of the <c>scalars</c> plugin.</summary>
    Scalar,

    /// <summary>A distribution: <c>HistogramProto</c> or a [k,3] tensor of the <c>histograms</c> plugin.</summary>
    Histogram,

    /// <summary>Markdown text (the <c>text</c> plugin).</summary>
    Text,

    /// <summary>An image (<c>Summary.Image</c> or the <c>images</c> plugin).</summary>
    Image,

    /// <summary>Audio (<c>Summary.Audio</c> or the <c>audio</c> plugin).</summary>
    Audio,

    /// <summary>Anything else: another plugin's tensor (hparams, pr_curves, ...).</summary>
    Other,
}
