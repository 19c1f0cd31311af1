using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using TrainWatch.Events;
using TrainWatch.Imaging;

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
}

/// <summary>A theory about the precompiled build output; skipped where build/ReadyToRun.targets does not run.</summary>
public sealed class PrecompiledBuildTheoryAttribute : TheoryAttribute
{
    public PrecompiledBuildTheoryAttribute()
    {
#if DEBUG
        Skip = "Debug builds keep IL only (build/ReadyToRun.targets).";
#else
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            Skip = "The libraries are precompiled on linux-x64 only (build/ReadyToRun.targets).";
        }
#endif
    }
}
