using System.Collections;
using System.Reflection;
using Module = TorchSharp.torch.nn.Module;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>
/// Counts the forward hooks registered on a model and all its modules, by reading TorchSharp 0.107's hook tables
/// (protected dictionaries of <c>HookableModule</c>): the only way to see from outside that a hook is really gone.
/// </summary>
public static class HookCount
{
    private static readonly string[] s_tables = ["pre_hooks", "post_hooks", "module_pre_hooks", "module_post_hooks"];

    public static int Of(Module model)
    {
        int count = 0;
        foreach (var module in model.modules().Prepend(model))
        {
            for (var type = module.GetType(); type is not null; type = type.BaseType)
            {
                foreach (string name in s_tables)
                {
                    if (type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)?.GetValue(module) is ICollection table)
                    {
                        count += table.Count;
                    }
                }
            }
        }

        return count;
    }
}
