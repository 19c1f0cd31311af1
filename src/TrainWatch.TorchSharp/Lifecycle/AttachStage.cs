namespace TrainWatch.TorchSharp.Lifecycle;

/// <summary>
/// The stages of <see cref="TrainWatcher.Attach(global::TorchSharp.torch.nn.Module, global::TorchSharp.torch.optim.Optimizer, string, int?, WatchOptions?)"/>
/// that change something outside the watcher. A failure at any of them undoes the ones before (tests inject one at each).
/// </summary>
internal enum AttachStage
{
    /// <summary>The run directory and its event file are about to be created.</summary>
    OpeningWriter,

    /// <summary>Forward hooks are about to be registered on the user's modules.</summary>
    RegisteringHooks,

    /// <summary>Features (tabs, pictures, history, model summary) are about to be added; some write at once.</summary>
    AddingExtensions,

    /// <summary>The parameters are about to be checked (issue 28).</summary>
    CheckingModel,
}
