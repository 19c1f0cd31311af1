namespace TrainWatch.Imaging;

/// <summary>
/// The mark over a dead tile: an X corner to corner. An X rather than a tint because it stays visible on any colour
/// map and at any tile size, down to 1×1, and it leaves the tile's own pixels between its strokes readable.
/// </summary>
internal static class DeadMarker
{
    public static void Draw(RgbaImage image, int x, int y, int width, int height, Rgba colour)
    {
        int steps = Math.Max(width, height);
        int thickness = Math.Max(1, Math.Min(width, height) / 12);
        for (int k = 0; k < steps; k++)
        {
            // Why integer steps along the longer side: the strokes reach all four corners exactly, even on non-square tiles.
            int dx = steps == 1 ? 0 : k * (width - 1) / (steps - 1);
            int dy = steps == 1 ? 0 : k * (height - 1) / (steps - 1);
            for (int t = 0; t < thickness; t++)
            {
                image.SetPixelClipped(x + Math.Min(width - 1, dx + t), y + dy, colour);
                image.SetPixelClipped(x + Math.Max(0, width - 1 - dx - t), y + dy, colour);
            }
        }
    }
}
