using System.Text;

namespace TrainWatch.Summaries;

/// <summary>
/// A summary tag checked once (<see cref="SummaryTag.Validate"/>) and kept in UTF-8, for callers that write the same
/// tags at every step: <see cref="SummaryEncoder"/> writes its bytes as they are, with nothing to look up.
/// </summary>
/// <remarks>
/// A watcher writes a few hundred values per sample step, each under a tag it made once per layer. Found again by the
/// tag's string (the encoder's own table), each value cost a hash table's lookup whose memory the training step in
/// between had pushed out of the caches: measured on 2026-12-07 at ~13 % of a small model's sample step. A tag held
/// by its caller is one object the encoder reads directly. A class, not a struct: the encoder's own table of string
/// tags maps to it, and a table over a struct of ours would be a generic instantiation that the first sample step
/// compiles, where the runtime's shared code for reference types is precompiled.
/// </remarks>
public sealed class PreparedTag
{
    /// <summary>Checks <paramref name="tag"/> and keeps it as written.</summary>
    /// <exception cref="ArgumentException">The tag is null, empty or white space.</exception>
    public PreparedTag(string tag)
    {
        Text = SummaryTag.Validate(tag);
        Utf8 = Encoding.UTF8.GetBytes(Text);
    }

    /// <summary>The tag as written: <see cref="SummaryTag.Validate"/>'s result.</summary>
    public string Text { get; }

    /// <summary>The tag's UTF-8 bytes, as the value's <c>tag</c> field holds them.</summary>
    internal byte[] Utf8 { get; }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
