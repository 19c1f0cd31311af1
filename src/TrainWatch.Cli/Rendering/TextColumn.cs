namespace TrainWatch.Cli.Rendering;

/// <summary>One column of a <see cref="TextTable"/>.</summary>
/// <param name="Header">Its heading; may wrap onto two lines at a space when the column is narrow.</param>
/// <param name="RightAligned">Numbers are right-aligned, so their digits line up.</param>
/// <param name="Wraps">Its cells may wrap (at word boundaries, then at '/', '.', '_', '-') to give the table room.</param>
/// <param name="DropOrder">
/// 0: always shown. Otherwise, when the table cannot fit even with its wrapping columns at their narrowest, the
/// columns are left out from the highest drop order down.
/// </param>
/// <param name="MinimumWidth">
/// The narrowest a wrapping column goes before columns are dropped instead (at least <see cref="TextTable.MinimumWrapWidth"/>):
/// a phrase such as "B ×1.1E+04 over 500..1000" reads badly over three lines.
/// </param>
/// <param name="Key">
/// The column that names the row (a tag, a layer): the other columns give up room, or are left out, before it wraps.
/// Without one, the first wrapping column is the key.
/// </param>
internal sealed record TextColumn(string Header, bool RightAligned = false, bool Wraps = false, int DropOrder = 0, int MinimumWidth = 0, bool Key = false);
