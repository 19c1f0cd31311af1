using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Formats each value of one run as an export row (CSV or JSON) the moment it is read and puts it in the run's
/// <see cref="ExportSpool"/>: export keeps rows, not histograms.
/// </summary>
internal sealed class ExportRows : IValueSink, IDisposable
{
    private readonly string _run;
    private readonly ExportSpool _spool;
    private readonly StringWriter? _csv;
    private readonly ArrayBufferWriter<byte> _bytes = new();
    private readonly Utf8JsonWriter? _json;

    /// <summary>Rows of run <paramref name="run"/>, as JSON objects when <paramref name="json"/>, else CSV lines.</summary>
    public ExportRows(string run, bool json, ExportSpool spool)
    {
        _run = run;
        _spool = spool;
        if (json)
        {
            _json = JsonOutput.Create(_bytes, indented: false);
        }
        else
        {
            _csv = new StringWriter(CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc/>
    public void Scalar(string tag, ScalarPoint point)
    {
        if (_json is not null)
        {
            Begin();
            JsonExport.WriteScalar(_json, _run, tag, point);
            End(histogram: false, tag);
        }
        else
        {
            _csv!.GetStringBuilder().Clear();
            CsvExport.WriteScalar(_csv, _run, tag, point);
            EndText(histogram: false, tag);
        }
    }

    /// <inheritdoc/>
    public void Histogram(string tag, HistogramPoint point)
    {
        if (_json is not null)
        {
            Begin();
            JsonExport.WriteHistogram(_json, _run, tag, point);
            End(histogram: true, tag);
        }
        else
        {
            _csv!.GetStringBuilder().Clear();
            CsvExport.WriteHistogram(_csv, _run, tag, point);
            EndText(histogram: true, tag);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _json?.Dispose();
        _csv?.Dispose();
    }

    private void Begin()
    {
        _bytes.Clear();
        _json!.Reset(_bytes);
    }

    // JSON objects of one array are separated by commas; the document around them is written by ExportCommand.
    private void End(bool histogram, string tag)
    {
        _json!.Flush();
        _spool.Append(histogram, tag, _bytes.WrittenSpan, ","u8);
    }

    private void EndText(bool histogram, string tag)
    {
        _bytes.Clear();
        Encoding.UTF8.GetBytes(_csv!.ToString(), _bytes);
        _spool.Append(histogram, tag, _bytes.WrittenSpan, []);
    }
}
