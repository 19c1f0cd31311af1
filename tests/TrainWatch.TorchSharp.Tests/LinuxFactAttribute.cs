namespace TrainWatch.TorchSharp.Tests;

/// <summary>A fact about the Linux native library patch; reported as skipped on other operating systems.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "libLibTorchSharp.so and its GLIBCXX patch exist on Linux only.";
        }
    }
}
