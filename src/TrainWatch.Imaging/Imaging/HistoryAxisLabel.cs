namespace TrainWatch.Imaging;

/// <summary>A value label on a <see cref="HistoryImage"/>'s vertical axis.</summary>
/// <param name="Position">Where, in buckets from the bottom: <c>j + 0.5</c> is the middle of bucket <c>j</c>, <c>j</c> its lower edge.</param>
/// <param name="Text">What it says (the bitmap font's characters: digits, letters, <c>.-+</c>).</param>
public readonly record struct HistoryAxisLabel(double Position, string Text);
