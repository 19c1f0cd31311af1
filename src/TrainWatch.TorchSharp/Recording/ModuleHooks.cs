using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using MethodInfo = System.Reflection.MethodInfo;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Recording;

/// <summary>
/// Forward hooks on a module of any signature. TorchSharp types each module's hooks by its <c>forward</c> signature
/// (<c>Module&lt;Tensor, Tensor&gt;</c>, GRU's <c>Module&lt;Tensor, Tensor, (Tensor, Tensor)&gt;</c>, attention's six
/// arguments, a user's own), so one generic hook cannot be written in C#: the post-hook delegate is built once per
/// hook type with an expression tree, and it hands the inputs and the output to an observer as objects. The one
/// signature of nearly every layer, <c>Module&lt;Tensor, Tensor&gt;</c>, is written out in C# instead.
/// </summary>
/// <remarks>
/// <para>The hooks stay registered between recorded passes and ask a <see cref="HookGate"/> first: TorchSharp makes a
/// GUID string for every registration (a <c>getrandom</c> system call each on Linux), which cost a small model's sample
/// step more than its hooks fire for (docs/design.md, "One forward recorder"). A closed gate returns before anything is
/// allocated.</para>
/// <para>The post-hook returns the module's own result. TorchSharp replaces the result with whatever a post-hook returns
/// unless it is null, and a value tuple (GRU, LSTM) is never null: returning <c>default</c> would wipe the output.</para>
/// </remarks>
internal static class ModuleHooks
{
    private static readonly ConcurrentDictionary<Type, HookType?> s_hookTypes = new();

    // By hookable base type: modules of one forward signature (Conv2d, ReLU, a user's own layer) share one set of
    // compiled delegates.
    private static readonly ConcurrentDictionary<Type, HookType?> s_byHookable = new();

    // The signature of nearly every layer, written in C#: no expression tree to compile at Attach (tens of
    // milliseconds the first time, most of a small model's Attach).
    private static readonly HookType s_tensorToTensor = new(
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] (module, hook) => ((Module<Tensor, Tensor>)module).register_forward_hook((Func<Module<Tensor, Tensor>, Tensor, Tensor, Tensor>)hook),
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] (module, hook) => ((Module<Tensor, Tensor>)module).register_forward_pre_hook(hook),
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] (remover) => ((Module<Tensor, Tensor>.HookRemover)remover).remove(),
        (gate, observer) => new Func<Module<Tensor, Tensor>, Tensor, Tensor, Tensor>([MethodImpl(MethodImplOptions.AggressiveOptimization)] (_, input, output) =>
        {
            if (gate.IsOpen)
            {
                observer([input], output);
            }

            return output;
        }));

    /// <summary>Sees one finished call: the module's inputs and its result, boxed.</summary>
    public delegate void CallObserver(object?[] inputs, object? output);

    /// <summary>
    /// Hooks that can be registered on <paramref name="module"/> and removed again, or null when TorchSharp offers
    /// the module no forward hooks (it does not derive from <c>HookableModule</c>). They call their observers only
    /// while <paramref name="gate"/> is open.
    /// </summary>
    public static ModuleHookSet? For(Module module, HookGate gate, Action onStart, CallObserver onFinish)
    {
        if (s_hookTypes.GetOrAdd(module.GetType(), FindHookType) is not { } hookType)
        {
            return null;
        }

        return new ModuleHookSet(module, hookType, gate, onStart, hookType.PostHookFactory(gate, onFinish));
    }

    private static HookType? FindHookType(Type type)
    {
        if (typeof(Module<Tensor, Tensor>).IsAssignableFrom(type))
        {
            return s_tensorToTensor;
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition().Name.StartsWith("HookableModule", StringComparison.Ordinal))
            {
                return s_byHookable.GetOrAdd(t, CompileHookType);
            }
        }

        return null;
    }

    private static HookType? CompileHookType(Type t)
    {
        var postHookType = t.GetGenericArguments()[1];
        var registerPost = t.GetMethod("register_forward_hook", [postHookType]);
        var registerPre = t.GetMethod("register_forward_pre_hook", [typeof(Action<Module>)]);
        if (registerPost is null || registerPre is null || postHookType.GetMethod("Invoke") is not { } invoke || invoke.ReturnType == typeof(void))
        {
            return null;
        }

        // Both register methods return the same HookRemover type; its remove() is looked up once here.
        if (registerPost.ReturnType.GetMethod("remove", Type.EmptyTypes) is not { } remove)
        {
            return null;
        }

        return new HookType(
            CompileRegister<Delegate>(t, registerPost, postHookType),
            CompileRegister<Action<Module>>(t, registerPre, typeof(Action<Module>)),
            CompileRemove(registerPost.ReturnType, remove),
            CompilePostHookFactory(postHookType, invoke));
    }

    // (gate, observer) => (module, input1, ..., inputN, result) =>
    //     { if (gate.IsOpen) observer(new object[] { input1, ... }, result); return result; }
    private static Func<HookGate, CallObserver, Delegate> CompilePostHookFactory(Type postHookType, MethodInfo invoke)
    {
        var gate = Expression.Parameter(typeof(HookGate), "gate");
        var observer = Expression.Parameter(typeof(CallObserver), "observer");
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var inputs = parameters.Skip(1).Take(parameters.Length - 2).Select(p => (Expression)Expression.Convert(p, typeof(object)));
        var result = parameters[^1];
        var body = Expression.Block(
            Expression.IfThen(
                Expression.Field(gate, nameof(HookGate.IsOpen)),
                Expression.Invoke(observer, Expression.NewArrayInit(typeof(object), inputs), Expression.Convert(result, typeof(object)))),
            result);
        var hook = Expression.Lambda(postHookType, body, parameters);
        return Expression.Lambda<Func<HookGate, CallObserver, Delegate>>(hook, gate, observer).Compile();
    }

    // (module, hook) => (object)((THookable)module).register_...((THook)hook): compiled once per hook type, because
    // hooks are registered at every sampled step and a reflection call costs several times a direct one.
    private static Func<Module, THook, object> CompileRegister<THook>(Type hookable, MethodInfo register, Type hookType)
    {
        var module = Expression.Parameter(typeof(Module), "module");
        var hook = Expression.Parameter(typeof(THook), "hook");
        var call = Expression.Call(Expression.Convert(module, hookable), register, Expression.Convert(hook, hookType));
        return Expression.Lambda<Func<Module, THook, object>>(Expression.Convert(call, typeof(object)), module, hook).Compile();
    }

    // remover => ((HookRemover)remover).remove()
    private static Action<object> CompileRemove(Type removerType, MethodInfo remove)
    {
        var remover = Expression.Parameter(typeof(object), "remover");
        return Expression.Lambda<Action<object>>(Expression.Call(Expression.Convert(remover, removerType), remove), remover).Compile();
    }

    /// <summary>What registering hooks on one hookable base type takes.</summary>
    internal sealed record HookType(Func<Module, Delegate, object> RegisterPost, Func<Module, Action<Module>, object> RegisterPre, Action<object> Remove, Func<HookGate, CallObserver, Delegate> PostHookFactory);
}

/// <summary>
/// Whether the hooks of one recorder pass what they see on: open only while a sampled step's forward pass is awaited.
/// A field, not a delegate: every module call of every plain step reads it.
/// </summary>
internal sealed class HookGate
{
    public bool IsOpen;
}

/// <summary>
/// A pre-hook and a post-hook for one module, built once, registered once and removed when the recorder is disposed.
/// TorchSharp iterates a module's hooks while calling them, so <see cref="Remove"/> must not run inside a hook.
/// </summary>
internal sealed class ModuleHookSet
{
    private readonly Module _module;
    private readonly ModuleHooks.HookType _type;
    private readonly Action<Module> _preHook;
    private readonly Delegate _postHook;
    private readonly List<object> _removers = [];

    public ModuleHookSet(Module module, ModuleHooks.HookType type, HookGate gate, Action onStart, Delegate postHook)
    {
        _module = module;
        _type = type;
        _preHook = [MethodImpl(MethodImplOptions.AggressiveOptimization)] (_) =>
        {
            if (gate.IsOpen)
            {
                onStart();
            }
        };
        _postHook = postHook;
    }

    public bool IsRegistered => _removers.Count > 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Register()
    {
        if (IsRegistered)
        {
            return;
        }

        _removers.Add(_type.RegisterPre(_module, _preHook));
        _removers.Add(_type.RegisterPost(_module, _postHook));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Remove()
    {
        foreach (var remover in _removers)
        {
            _type.Remove(remover);
        }

        _removers.Clear();
    }
}
