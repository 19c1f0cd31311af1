namespace TrainWatch.Cli.Tests.Support;

/// <summary>Waits for something a background <c>tail</c> will show.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after 30 s.</summary>
    public static async Task WaitFor(Func<bool> condition, string what)
    {
        // A deadline, not a speed assertion: it only keeps a broken tail from hanging the test run.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"tail never showed {what}");
            await Task.Delay(20);
        }
    }
}
