namespace TrainWatch.Cli.Rendering;

/// <summary>How a legend entry is drawn: a line sample (solid or dashed) or a filled swatch.</summary>
internal enum LegendMark
{
    /// <summary>A solid line.</summary>
    Line,

    /// <summary>A dashed line.</summary>
    Dashed,

    /// <summary>A filled band.</summary>
    Band,
}
