using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.SoakModels;

/// <summary>
/// The soak's models: Sequential and custom modules; conv, transposed conv, recurrent and attention layers; SGD (with
/// and without momentum), Adam, AdamW and RMSprop. Their data is generated (no downloads) and their code uses plain
/// literals where a user would (<c>x * 0.5</c>): the TorchSharp temporaries that a collection on another thread can free
/// mid-call are part of what is soaked.
/// </summary>
internal static class Catalog
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "conv-autoencoder-adam", "mlp-autoencoder-adam", "mlp-sgd", "cnn-momentum", "resnet-bn-momentum",
        "unet-adam", "gru-adamw", "lstm-rmsprop", "transformer-adamw", "groupnorm-cnn-adam", "embedding-rmsprop",
    ];

    public static SoakModel Create(string name)
    {
        manual_seed(1);
        return name switch
        {
            "conv-autoencoder-adam" => ConvAutoencoder(),
            "mlp-autoencoder-adam" => MlpAutoencoder(),
            "mlp-sgd" => Mlp(),
            "cnn-momentum" => Cnn(),
            "resnet-bn-momentum" => Resnet(),
            "unet-adam" => UNet(),
            "gru-adamw" => Gru(),
            "lstm-rmsprop" => Lstm(),
            "transformer-adamw" => Transformer(),
            "groupnorm-cnn-adam" => GroupNormCnn(),
            "embedding-rmsprop" => EmbeddingBag(),
            _ => throw new ArgumentException($"unknown model '{name}'; known: {string.Join(", ", Names)}"),
        };
    }

    // The model of issue 27: it died in Adam.step in about half of its 1,500-step runs before the fix.
    private static SoakModel ConvAutoencoder()
    {
        var model = Sequential(
            ("enc1", Conv2d(1, 16, 3, stride: 2, padding: 1)), ("enc1_act", ReLU()),
            ("enc2", Conv2d(16, 32, 3, stride: 2, padding: 1)), ("enc2_act", ReLU()),
            ("dec1", ConvTranspose2d(32, 16, 3, stride: 2, padding: 1, output_padding: 1)), ("dec1_act", ReLU()),
            ("dec2", ConvTranspose2d(16, 1, 3, stride: 2, padding: 1, output_padding: 1)), ("out", Sigmoid()));
        var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var criterion = MSELoss();
        var data = new Random(1);
        return new("conv-autoencoder-adam", model, optimizer, () =>
        {
            var x = Blobs(data, 32);
            return criterion.call(model.call(x), x);
        });
    }

    private static SoakModel MlpAutoencoder()
    {
        var model = Sequential(Flatten(), Linear(784, 128), ReLU(), Linear(128, 32), ReLU(), Linear(32, 128), ReLU(), Linear(128, 784), Sigmoid());
        var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var criterion = MSELoss();
        var data = new Random(2);
        return new("mlp-autoencoder-adam", model, optimizer, () =>
        {
            var x = Blobs(data, 32);
            return criterion.call(model.call(x), x.flatten(1));
        });
    }

    private static SoakModel Mlp()
    {
        var model = Sequential(Linear(20, 64), Tanh(), Linear(64, 64), ReLU(), Linear(64, 4));
        var optimizer = optim.SGD(model.parameters(), 0.05);
        var teacher = randn(20, 4);
        return new("mlp-sgd", model, optimizer, () =>
        {
            var x = randn(64, 20);
            return functional.cross_entropy(model.call(x), x.matmul(teacher).argmax(1));
        });
    }

    private static SoakModel Cnn()
    {
        var model = Sequential(
            Conv2d(1, 8, 3, padding: 1), ReLU(), MaxPool2d(2),
            Conv2d(8, 16, 3, padding: 1), ReLU(), MaxPool2d(2),
            Flatten(), Linear(16 * 7 * 7, 32), ReLU(), Dropout(0.2), Linear(32, 3));
        var optimizer = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        var data = new Random(3);
        return new("cnn-momentum", model, optimizer, () =>
        {
            var x = Blobs(data, 32);
            var y = (x.sum([1, 2, 3]) / 40).clamp(0, 2).to(int64); // the amount of blob decides the class
            return functional.cross_entropy(model.call(x), y);
        });
    }

    private static SoakModel Resnet()
    {
        var model = new ResidualNet();
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-4);
        var data = new Random(4);
        return new("resnet-bn-momentum", model, optimizer, () =>
        {
            var x = Blobs(data, 32);
            var y = (x.mean([1, 2, 3]) * 30).clamp(0, 3).to(int64);
            return functional.cross_entropy(model.call(x), y);
        });
    }

    private static SoakModel UNet()
    {
        var model = new TinyUNet();
        var optimizer = optim.Adam(model.parameters(), lr: 2e-3);
        var data = new Random(5);
        return new("unet-adam", model, optimizer, () =>
        {
            var x = Blobs(data, 16);
            return functional.binary_cross_entropy_with_logits(model.call(x), (x > 0.5).to(float32));
        });
    }

    private static SoakModel Gru()
    {
        var model = new RecurrentClassifier(useLstm: false);
        var optimizer = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.01);
        return new("gru-adamw", model, optimizer, () =>
        {
            var x = randn(32, 12, 6);
            var y = (x[.., .., 0].sum(1) > 0).to(int64);
            return functional.cross_entropy(model.call(x), y);
        });
    }

    private static SoakModel Lstm()
    {
        var model = new RecurrentClassifier(useLstm: true);
        var optimizer = optim.RMSProp(model.parameters(), lr: 1e-3);
        return new("lstm-rmsprop", model, optimizer, () =>
        {
            var x = randn(32, 12, 6);
            var y = (x[.., .., 1].cumsum(1)[.., -1] > 0).to(int64);
            return functional.cross_entropy(model.call(x), y);
        });
    }

    private static SoakModel Transformer()
    {
        var model = new AttentionBlock();
        var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
        return new("transformer-adamw", model, optimizer, () =>
        {
            var x = randn(16, 10, 32);
            var y = (x.mean([1, 2]) > 0).to(int64);
            return functional.cross_entropy(model.call(x), y);
        });
    }

    private static SoakModel GroupNormCnn()
    {
        var norm = GroupNorm(4, 16);
        using (no_grad())
        {
            // TorchSharp 0.107 leaves GroupNorm's parameters uninitialised: set them as its docs' defaults say.
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }

        var model = Sequential(Conv2d(1, 16, 3, padding: 1), norm, SiLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(16, 2));
        var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var data = new Random(6);
        return new("groupnorm-cnn-adam", model, optimizer, () =>
        {
            var x = Blobs(data, 32);
            var y = (x.amax([1, 2, 3]) > 0.9).to(int64);
            return functional.cross_entropy(model.call(x), y);
        });
    }

    private static SoakModel EmbeddingBag()
    {
        var model = new BagOfWords();
        var optimizer = optim.RMSProp(model.parameters(), lr: 3e-3, momentum: 0.5);
        return new("embedding-rmsprop", model, optimizer, () =>
        {
            var tokens = randint(0, 200, [32, 16]);
            var y = ((tokens < 50).sum(1) > 4).to(int64);
            return functional.cross_entropy(model.call(tokens), y);
        });
    }

    // 1-3 Gaussian blobs per 1x28x28 image, clipped to [0, 1], built on the host as a user's data loader would.
    private static Tensor Blobs(Random random, int batch)
    {
        var data = new float[batch * 28 * 28];
        for (int b = 0; b < batch; b++)
        {
            int blobs = 1 + random.Next(3);
            for (int k = 0; k < blobs; k++)
            {
                double cx = random.NextDouble() * 28, cy = random.NextDouble() * 28, s = 2 + random.NextDouble() * 4;
                for (int y = 0; y < 28; y++)
                {
                    for (int x = 0; x < 28; x++)
                    {
                        int i = (b * 28 + y) * 28 + x;
                        data[i] = (float)Math.Min(1.0, data[i] + Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s)));
                    }
                }
            }
        }

        return tensor(data, [batch, 1, 28, 28]);
    }
}
