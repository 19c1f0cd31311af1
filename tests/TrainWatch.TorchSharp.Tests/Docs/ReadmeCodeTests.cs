using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TrainWatch.TorchSharp.Tests.Docs;

/// <summary>
/// Every C# block of the README compiles as a user would paste it: into a console project (implicit usings), against
/// TorchSharp and TrainWatch.TorchSharp. Issue 24: the README's loop called a loss module as <c>criterion(...)</c>
/// (CS0149) and named <c>PictureOptions</c> without its namespace (CS0246).
/// </summary>
public sealed class ReadmeCodeTests
{
    // A console project's implicit usings (Microsoft.NET.Sdk, ImplicitUsings=enable).
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // What a block that is not a whole program may use without declaring it: a model, its optimizer, a TorchSharp
    // loss module (called with .call, as the README's loop does) and a batch.
    private static readonly (string Name, string Declaration)[] s_harness =
    [
        ("model", "var model = torch.nn.Sequential((\"conv\", torch.nn.Conv2d(1, 4, 3, padding: 1)), (\"out\", torch.nn.Sigmoid()));"),
        ("optimizer", "var optimizer = torch.optim.Adam(model.parameters());"),
        ("criterion", "var criterion = torch.nn.MSELoss();"),
        ("x", "var x = torch.rand(2, 1, 8, 8);"),
    ];

    [Fact]
    public void Every_csharp_block_of_the_README_compiles()
    {
        var blocks = Readme.CodeBlocks(Readme.Text, "csharp");
        Assert.True(blocks.Count >= 2, $"expected the attach and options blocks, found {blocks.Count} C# blocks");
        Assert.Contains(blocks, b => b.Contains("criterion.call(", StringComparison.Ordinal) && b.Contains("nn.MSELoss()", StringComparison.Ordinal));
        foreach (string block in blocks)
        {
            var errors = Errors(block);
            Assert.True(errors.Count == 0, $"README block does not compile:\n{string.Join("\n", errors)}\n---\n{block}");
        }
    }

    [Fact]
    public void The_harness_rejects_the_mistakes_issue_24_found()
    {
        string attach = Readme.CodeBlocks(Readme.Text, "csharp").First(b => b.Contains("criterion.call(", StringComparison.Ordinal));
        Assert.Contains(Errors(attach.Replace("criterion.call(", "criterion(", StringComparison.Ordinal)), e => e.StartsWith("CS0149", StringComparison.Ordinal));
        Assert.Contains(Errors("var options = new PictureOptions();"), e => e.StartsWith("CS0246", StringComparison.Ordinal));
    }

    /// <summary>The compiler errors of <paramref name="block"/> as a console program ("CS0149: ..."), none when it compiles.</summary>
    private static List<string> Errors(string block)
    {
        var lines = block.Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Trim().Length == 0).ToList();
        string body = string.Join('\n', lines.Skip(usings.Count));
        var prelude = s_harness.Where(h => !body.Contains($"var {h.Name} ", StringComparison.Ordinal)).Select(h => h.Declaration);
        string program = string.Join('\n', usings.Append("using TorchSharp;").Concat(prelude).Append(body));
        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock",
            [CSharpSyntaxTree.ParseText(ImplicitUsings), CSharpSyntaxTree.ParseText(program)],
            References(),
            options);
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"{d.Id}: {d.GetMessage()}").ToList();
    }

    private static IEnumerable<MetadataReference> References()
    {
        // The runtime's assemblies and everything this test was built against (TorchSharp, TrainWatch.TorchSharp, ...).
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = trusted.Split(Path.PathSeparator).ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(TrainWatcher).Assembly.Location);
        paths.Add(typeof(global::TorchSharp.torch).Assembly.Location);
        return paths.Where(File.Exists).Select(p => MetadataReference.CreateFromFile(p));
    }
}
