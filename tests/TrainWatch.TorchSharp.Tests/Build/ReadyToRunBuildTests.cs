using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.TorchSharp.Tests.Docs;
using TrainWatch.TorchSharp.Tests.Support;

namespace TrainWatch.TorchSharp.Tests.Build;

/// <summary>
/// build/ReadyToRun.targets precompiles the three libraries in a Release build on linux-x64: the copies this test
/// process loaded (the build output that project references and the packages take) must carry a ReadyToRun header,
/// and still be IL assemblies that load anywhere.
/// </summary>
public sealed class ReadyToRunBuildTests
{
    public static TheoryData<string> Libraries => new()
    {
        typeof(EventFileWriter).Assembly.GetName().Name!,
        typeof(PngEncoder).Assembly.GetName().Name!,
        typeof(TrainWatcher).Assembly.GetName().Name!,
    };

    [PrecompiledBuildTheory]
    [MemberData(nameof(Libraries))]
    public void The_libraries_in_a_Release_build_on_linux_x64_are_precompiled(string name)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == name);
        using var stream = File.OpenRead(assembly.Location);
        using var reader = new PEReader(stream);
        var corHeader = reader.PEHeaders.CorHeader!;

        // A ReadyToRun image points its COR header's managed-native header at the ReadyToRun header ("RTR").
        Assert.True(corHeader.ManagedNativeHeaderDirectory.Size > 0, $"{assembly.Location} has no ReadyToRun header.");
        var header = reader.GetSectionData(corHeader.ManagedNativeHeaderDirectory.RelativeVirtualAddress).GetContent(0, 4);
        Assert.Equal(0x00525452u, BitConverter.ToUInt32([.. header])); // "RTR\0", little-endian

        // The IL stays: the metadata and a method body of the image are readable (another OS or runtime JITs them).
        Assert.True(reader.HasMetadata);
        Assert.True(corHeader.Flags.HasFlag(CorFlags.ILOnly) || corHeader.Flags.HasFlag(CorFlags.ILLibrary));
    }

    /// <summary>
    /// Publishing an app that references the libraries with the SDK's own <c>-p:PublishReadyToRun=true</c> (an example,
    /// say) failed at restore with NU1505: the SDK restores the compiler package for the libraries' target framework,
    /// and build/ReadyToRun.targets restored it again in another version. The SDK then precompiles every assembly of
    /// the app itself, so the libraries' own step stands down. Checked on the evaluated project (a publish takes
    /// minutes), with the plain Release build as the control.
    /// </summary>
    [PrecompiledBuildFact]
    public void The_libraries_own_precompiling_stands_down_when_the_SDK_precompiles_the_whole_app()
    {
        string project = Path.Combine(Readme.RepositoryRoot, "src", "TrainWatch", "TrainWatch.csproj");
        Assert.Equal("true", EvaluatedReadyToRun(project));
        Assert.Equal("", EvaluatedReadyToRun(project, "-p:PublishReadyToRun=true"));
    }

    // build/ReadyToRun.targets' switch as MSBuild evaluates it for a Release build of the project.
    private static string EvaluatedReadyToRun(string project, params string[] properties)
    {
        var (exitCode, output, errors) = ToolProcess.Run("dotnet", ["msbuild", project, "-getProperty:TrainWatchReadyToRun", "-p:Configuration=Release", .. properties]);
        Assert.True(exitCode == 0, $"dotnet msbuild exited with {exitCode}: {output}{errors}");
        return output.Trim();
    }
}

/// <summary>A fact about the precompiled build; skipped where build/ReadyToRun.targets does not run.</summary>
public sealed class PrecompiledBuildFactAttribute : FactAttribute
{
    public PrecompiledBuildFactAttribute()
    {
        Skip = PrecompiledBuildTheoryAttribute.SkipReason();
    }
}

/// <summary>A theory about the precompiled build output; skipped where build/ReadyToRun.targets does not run.</summary>
public sealed class PrecompiledBuildTheoryAttribute : TheoryAttribute
{
    public PrecompiledBuildTheoryAttribute()
    {
        Skip = SkipReason();
    }

    /// <summary>Why build/ReadyToRun.targets does not run for this test build, or null when it does.</summary>
    internal static string? SkipReason()
    {
#if DEBUG
        return "Debug builds keep IL only (build/ReadyToRun.targets).";
#else
        return !OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64
            ? "The libraries are precompiled on linux-x64 only (build/ReadyToRun.targets)."
            : null;
#endif
    }
}
