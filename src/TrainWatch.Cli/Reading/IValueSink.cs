namespace TrainWatch.Cli.Reading;

/// <summary>
/// Takes scalar and histogram values as they are read, in file order, instead of the run keeping them: a command that
/// only writes each value out (export) then needs no memory for the run's values.
/// </summary>
internal interface IValueSink
{
    /// <summary>A scalar of a selected tag.</summary>
    void Scalar(string tag, ScalarPoint point);

    /// <summary>A histogram of a selected tag. Its buckets are reused after the call: take what is needed now.</summary>
    void Histogram(string tag, HistogramPoint point);
}
