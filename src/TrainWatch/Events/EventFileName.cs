using System.Globalization;

namespace TrainWatch.Events;

/// <summary>
/// Names event files the way TensorBoard's own writer does:
/// <c>events.out.tfevents.&lt;unix seconds, 10 digits&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;counter, 10 digits&gt;[suffix]</c>.
/// </summary>
/// <remarks>
/// TensorBoard finds event files by the substring <c>tfevents</c>; the rest keeps names unique. TensorBoard and our
/// own reader take a run's files in ordinal name order, so the names of one process sort in the order it created them:
/// the counter is zero-padded, or a tenth file made in the same second (counter 10) would sort before the ninth (counter 9).
/// </remarks>
public static class EventFileName
{
    /// <summary>The substring TensorBoard looks for in file names.</summary>
    public const string Marker = "tfevents";

    private static int s_counter = -1;

    /// <summary>Makes a new, process-unique event file name.</summary>
    public static string Create(DateTimeOffset now, string? suffix = null)
    {
        long seconds = now.ToUnixTimeSeconds();
        int counter = Interlocked.Increment(ref s_counter);
        string host = SanitizeHost(Environment.MachineName);
        return string.Create(CultureInfo.InvariantCulture, $"events.out.{Marker}.{seconds:D10}.{host}.{Environment.ProcessId}.{counter:D10}{suffix}");
    }

    /// <summary>Whether TensorBoard would treat <paramref name="fileName"/> as an event file.</summary>
    public static bool IsEventFile(string fileName) =>
        Path.GetFileName(fileName).Contains(Marker, StringComparison.Ordinal);

    // Why: a host name is untrusted text that becomes part of a path; keep it to characters safe in any file system.
    private static string SanitizeHost(string host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return "localhost";
        }

        return string.Create(host.Length, host, static (span, h) =>
        {
            for (int i = 0; i < h.Length; i++)
            {
                char c = h[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_';
            }
        });
    }
}
