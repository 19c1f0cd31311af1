using Mono.Cecil;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>
/// Finds, in compiled IL, the call sites that make a temporary TorchSharp <c>Scalar</c>: an implicit conversion such as
/// <c>t.eq(0)</c>, or a call to a TorchSharp method that makes one inside (<c>a + b</c> passes <c>alpha: 1</c>,
/// <c>square()</c> is <c>pow(2)</c>, an optimizer's <c>step()</c> passes <c>alpha: -lr</c>).
/// </summary>
/// <remarks>
/// Why IL and not a test run: the race these temporaries open (a garbage collection on another thread frees the
/// native scalar while libtorch reads it; see DeviceScalars) strikes perhaps once in 10^5 calls, so no run proves its
/// absence. The rule "no temporaries in our device code" can be checked exactly instead.
/// <para>
/// The TorchSharp methods that make temporaries are found the same way: those whose body converts to a Scalar, then,
/// to a fixed point, those that call one of them, and the virtual methods they override (so <c>Optimizer.step()</c>
/// counts because <c>SGD.step()</c> does). It errs on the safe side: a method that keeps the Scalar it makes counts too.
/// It does not follow an override through a generic base (<c>Module&lt;T, T&gt;.call</c> to <c>BatchNorm.forward</c>,
/// which makes one): a model's forward pass is the user's code, run by the user's loop with or without TrainWatch.
/// </para>
/// </remarks>
internal sealed class TemporaryScalarFinder
{
    private const string ScalarType = "TorchSharp.Scalar";

    private readonly HashSet<string> _makers;

    public TemporaryScalarFinder(string torchSharpAssemblyPath)
    {
        using var torchSharp = Read(torchSharpAssemblyPath);
        _makers = FindMakers(torchSharp);
    }

    /// <summary>How many TorchSharp methods make a temporary Scalar (a sanity figure for the analysis itself).</summary>
    public int TorchSharpMakerCount => _makers.Count;

    /// <summary>
    /// "Caller -> callee" for every call in <paramref name="assemblyPath"/> that makes a temporary Scalar, except in the
    /// types whose full name <paramref name="isAllowed"/> accepts (and their nested types, such as lambdas' closures).
    /// </summary>
    public IReadOnlyList<string> CallSites(string assemblyPath, Func<string, bool> isAllowed)
    {
        using var module = Read(assemblyPath);
        var sites = new List<string>();
        foreach (var type in module.Types.SelectMany(WithNested))
        {
            if (Enclosing(type).Any(t => isAllowed(t.FullName)))
            {
                continue;
            }

            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.Operand is MethodReference callee && (MakesScalar(callee) || _makers.Contains(Key(callee))))
                    {
                        sites.Add($"{type.FullName}::{method.Name} -> {callee.DeclaringType.Name}::{callee.Name}({string.Join(", ", callee.Parameters.Select(p => p.ParameterType.Name))})");
                    }
                }
            }
        }

        return sites;
    }

    private static HashSet<string> FindMakers(ModuleDefinition torchSharp)
    {
        var methods = torchSharp.Types.SelectMany(WithNested)
            .Where(t => t.FullName != ScalarType)
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody)
            .ToList();
        var makers = methods
            .Where(m => m.Body.Instructions.Any(i => i.Operand is MethodReference callee && MakesScalar(callee)))
            .Select(Key)
            .ToHashSet();

        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var method in methods)
            {
                string key = Key(method);
                if (!makers.Contains(key) && method.Body.Instructions.Any(i => i.Operand is MethodReference callee && makers.Contains(Key(callee))))
                {
                    makers.Add(key);
                    grew = true;
                }

                if (makers.Contains(key) && method.IsVirtual)
                {
                    foreach (string overridden in OverriddenKeys(method))
                    {
                        grew |= makers.Add(overridden);
                    }
                }
            }
        }

        return makers;
    }

    // The same name and parameters on each TorchSharp base type that declares a virtual method of that name.
    private static IEnumerable<string> OverriddenKeys(MethodDefinition method)
    {
        string parameters = Parameters(method);
        for (var baseType = method.DeclaringType.BaseType; baseType is not null; )
        {
            TypeDefinition? definition;
            try
            {
                definition = baseType.Resolve();
            }
            catch (AssemblyResolutionException)
            {
                yield break; // outside TorchSharp (System.Object and the like): nothing of ours to override
            }

            if (definition is null)
            {
                yield break;
            }

            if (definition.Methods.Any(m => m.IsVirtual && m.Name == method.Name))
            {
                yield return $"{definition.FullName}::{method.Name}({parameters})";
            }

            baseType = definition.BaseType;
        }
    }

    private static bool MakesScalar(MethodReference callee) =>
        callee.ReturnType.FullName == ScalarType && (callee.Name == "op_Implicit" || callee.Name == "ToScalar");

    private static string Key(MethodReference method)
    {
        var element = method.GetElementMethod();
        return $"{element.DeclaringType.GetElementType().FullName}::{element.Name}({Parameters(element)})";
    }

    private static string Parameters(MethodReference method) => string.Join(",", method.Parameters.Select(p => p.ParameterType.FullName));

    private static IEnumerable<TypeDefinition> Enclosing(TypeDefinition type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            yield return t;
        }
    }

    private static IEnumerable<TypeDefinition> WithNested(TypeDefinition type) => type.NestedTypes.SelectMany(WithNested).Prepend(type);

    private static ModuleDefinition Read(string path)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(path)!);
        return ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = resolver });
    }
}
