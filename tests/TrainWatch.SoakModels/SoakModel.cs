using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.SoakModels;

/// <summary>One user-style setup: a model, its optimizer, and a generator of batches with their loss.</summary>
internal sealed record SoakModel(string Name, Module Model, optim.Optimizer Optimizer, Func<Tensor> Loss);
