using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchSharp;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests;

/// <summary>
/// Proves that TorchSharp's native runtime loads and trains on this machine, and that
/// build/TorchSharpNativeFix.targets patched the build output's libLibTorchSharp.so (GLIBCXX_3.4.32 weak)
/// without writing through to the NuGet cache. The TrainWatch.TorchSharp package ships that same file as
/// buildTransitive/TrainWatch.TorchSharp.targets; scripts/package-smoke.sh checks it in a project outside this repository,
/// including that the project fails to load TorchSharp here with the fix turned off.
/// </summary>
public sealed class NativeLoadTests
{
    private const string NativeLibrary = "libLibTorchSharp.so";
    private const string PatchedVersion = "GLIBCXX_3.4.32";

    [Fact]
    public void SmallModel_ForwardBackwardOnCpu_GivesFiniteGradients_AndOneSgdStepLowersTheLoss()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1234);

        // Fixed synthetic regression batch: y = x·w + 0.5 with a known w.
        var x = torch.randn(64, 4);
        var w = torch.tensor(new float[] { 1.5f, -2.0f, 0.5f, 3.0f }).reshape(4, 1);
        var y = x.matmul(w) + 0.5f;

        using var model = nn.Sequential(
            ("fc1", nn.Linear(4, 16)),
            ("relu", nn.ReLU()),
            ("fc2", nn.Linear(16, 1)));
        using var lossFn = nn.MSELoss();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.05);

        optimizer.zero_grad();
        var prediction = model.call(x);
        Assert.Equal(new long[] { 64, 1 }, prediction.shape);
        var loss = lossFn.call(prediction, y);
        float before = loss.item<float>();
        Assert.True(float.IsFinite(before) && before > 0f, $"initial loss {before}");

        loss.backward();

        var parameters = model.named_parameters().ToList();
        Assert.Equal(4, parameters.Count); // fc1.weight, fc1.bias, fc2.weight, fc2.bias
        foreach (var (name, parameter) in parameters)
        {
            var grad = parameter.grad;
            Assert.True(grad is not null, $"{name} has no gradient after backward()");
            Assert.Equal(parameter.shape, grad!.shape);
            Assert.True(torch.isfinite(grad).all().item<bool>(), $"{name} has a non-finite gradient");
            Assert.True(grad.abs().sum().item<float>() > 0f, $"{name} has an all-zero gradient");
        }

        optimizer.step();

        float after;
        using (torch.no_grad())
        {
            after = lossFn.call(model.call(x), y).item<float>();
        }

        Assert.True(after < before, $"loss did not decrease after one SGD step: {before} -> {after}");
    }

    [LinuxFact]
    public void LoadedNativeLibrary_IsTheOutputCopy_AndIsPatched()
    {
        using (torch.NewDisposeScope())
        {
            Assert.Equal(6f, torch.ones(2, 3).sum().item<float>()); // forces the native library to load
        }

        string? loaded = File.ReadLines("/proc/self/maps")
            .Select(line => Regex.Match(line, @"\s(/\S*/" + Regex.Escape(NativeLibrary) + @")$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .FirstOrDefault();

        Assert.NotNull(loaded);
        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), loaded);
        AssertWeak(loaded);
    }

    [LinuxFact]
    public void OutputCopies_MarkGlibcxx3432Weak()
    {
        string[] copies = OutputCopies();
        Assert.NotEmpty(copies);
        foreach (string copy in copies)
        {
            AssertWeak(copy);
        }
    }

    [LinuxFact]
    public void OutputCopies_ReadelfAgrees_WhenReadelfIsInstalled()
    {
        string[] copies = OutputCopies();
        Assert.NotEmpty(copies);
        foreach (string copy in copies)
        {
            string? output = RunReadelf(copy);
            if (output is null)
            {
                return; // readelf not installed: OutputCopies_MarkGlibcxx3432Weak parses the ELF itself.
            }

            Assert.Matches(@"Name: " + Regex.Escape(PatchedVersion) + @"\s+Flags: WEAK", output);
        }
    }

    [LinuxFact]
    public void NuGetCacheCopy_IsNotPatched_AndDiffersFromTheOutputOnlyInTheFlag()
    {
        string cached = NuGetCacheCopy();
        Assert.True(File.Exists(cached), $"not found in the NuGet cache: {cached}");

        VersionNeed cachedNeed = Assert.Single(ElfVersionNeeds.Read(cached), n => n.Name == PatchedVersion);
        Assert.False(cachedNeed.IsWeak, $"{cached} in the NuGet cache was patched: the build wrote through the cache.");

        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", NativeLibrary);
        if (!File.Exists(output))
        {
            output = Assert.Single(OutputCopies(), p => p.Contains("runtimes", StringComparison.Ordinal));
        }

        byte[] original = File.ReadAllBytes(cached);
        byte[] patched = File.ReadAllBytes(output);
        Assert.Equal(original.Length, patched.Length);

        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        int flagsOffset = checked((int)cachedNeed.FlagsOffset);
        Assert.Equal(new[] { flagsOffset }, differing); // only the low byte of vna_flags changes...
        Assert.Equal(original[flagsOffset] | VersionNeed.WeakFlag, patched[flagsOffset]); // ...by VER_FLG_WEAK
    }

    private static void AssertWeak(string path)
    {
        var needs = ElfVersionNeeds.Read(path);
        VersionNeed need = Assert.Single(needs, n => n.Name == PatchedVersion);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.True(need.IsWeak, $"{PatchedVersion} is not marked weak in {path} (flags 0x{need.Flags:x}).");

        // Nothing else was made weak.
        Assert.All(needs.Where(n => n.Name != PatchedVersion), n => Assert.False(n.IsWeak, $"{n.Name} is weak in {path}"));
    }

    private static string[] OutputCopies() =>
        Directory.GetFiles(AppContext.BaseDirectory, NativeLibrary, SearchOption.AllDirectories);

    /// <summary>The cache file restore resolved for this project: package path from deps.json, root from the build.</summary>
    private static string NuGetCacheCopy()
    {
        string packageRoot = typeof(NativeLoadTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        Assert.False(string.IsNullOrEmpty(packageRoot), "NuGetPackageRoot was not stamped into the test assembly.");

        string depsFile = Path.Combine(AppContext.BaseDirectory, typeof(NativeLoadTests).Assembly.GetName().Name + ".deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        JsonElement root = deps.RootElement;

        foreach (JsonProperty target in root.GetProperty("targets").EnumerateObject())
        {
            foreach (JsonProperty library in target.Value.EnumerateObject())
            {
                if (!library.Value.TryGetProperty("runtimeTargets", out JsonElement runtimeTargets))
                {
                    continue;
                }

                foreach (JsonProperty asset in runtimeTargets.EnumerateObject())
                {
                    if (asset.Name.EndsWith("/linux-x64/native/" + NativeLibrary, StringComparison.Ordinal))
                    {
                        string packagePath = root.GetProperty("libraries").GetProperty(library.Name).GetProperty("path").GetString()!;
                        return Path.Combine(packageRoot, packagePath, asset.Name);
                    }
                }
            }
        }

        throw new InvalidOperationException($"{depsFile} lists no linux-x64 {NativeLibrary}.");
    }

    private static string? RunReadelf(string path)
    {
        try
        {
            var (exitCode, output, _) = ToolProcess.Run("readelf", "-V", "-W", path);
            Assert.Equal(0, exitCode);
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
