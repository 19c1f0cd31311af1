using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.SoakModels;

/// <summary>Two residual blocks with BatchNorm, written as a custom module.</summary>
internal sealed class ResidualNet : Module<Tensor, Tensor>
{
    private readonly Conv2d stem = Conv2d(1, 16, 3, padding: 1);
    private readonly Conv2d conv1 = Conv2d(16, 16, 3, padding: 1);
    private readonly BatchNorm2d bn1 = BatchNorm2d(16);
    private readonly Conv2d conv2 = Conv2d(16, 16, 3, padding: 1);
    private readonly BatchNorm2d bn2 = BatchNorm2d(16);
    private readonly AdaptiveAvgPool2d pool = AdaptiveAvgPool2d(1);
    private readonly Linear head = Linear(16, 4);

    public ResidualNet() : base(nameof(ResidualNet)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = functional.relu(stem.call(input));
        x = functional.relu(x + bn1.call(conv1.call(x)));
        x = functional.relu(x + bn2.call(conv2.call(x)));
        return head.call(pool.call(x).flatten(1));
    }
}

/// <summary>A two-level U-Net: conv down, transposed conv up, skip connection by concatenation.</summary>
internal sealed class TinyUNet : Module<Tensor, Tensor>
{
    private readonly Conv2d down1 = Conv2d(1, 8, 3, padding: 1);
    private readonly Conv2d down2 = Conv2d(8, 16, 3, stride: 2, padding: 1);
    private readonly ConvTranspose2d up = ConvTranspose2d(16, 8, 2, stride: 2);
    private readonly Conv2d fuse = Conv2d(16, 8, 3, padding: 1);
    private readonly Conv2d head = Conv2d(8, 1, 1);

    public TinyUNet() : base(nameof(TinyUNet)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var skip = functional.relu(down1.call(input));
        var bottom = functional.relu(down2.call(skip));
        var upsampled = functional.relu(up.call(bottom));
        return head.call(functional.relu(fuse.call(cat([upsampled, skip], 1))));
    }
}

/// <summary>A GRU or LSTM over a sequence, classified from its last hidden state.</summary>
internal sealed class RecurrentClassifier : Module<Tensor, Tensor>
{
    private readonly GRU? gru;
    private readonly LSTM? lstm;
    private readonly Linear head = Linear(24, 2);

    public RecurrentClassifier(bool useLstm) : base(nameof(RecurrentClassifier))
    {
        if (useLstm)
        {
            lstm = LSTM(6, 24, batchFirst: true);
        }
        else
        {
            gru = GRU(6, 24, batchFirst: true);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var output = gru is not null ? gru.call(input).Item1 : lstm!.call(input).Item1;
        return head.call(output[.., -1]);
    }
}

/// <summary>One pre-norm transformer block (self-attention and feed-forward) and a mean-pooled classifier.</summary>
internal sealed class AttentionBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1 = LayerNorm(32);
    private readonly MultiheadAttention attention = MultiheadAttention(32, 4);
    private readonly LayerNorm norm2 = LayerNorm(32);
    private readonly Linear ff1 = Linear(32, 64);
    private readonly Linear ff2 = Linear(64, 32);
    private readonly Linear head = Linear(32, 2);

    public AttentionBlock() : base(nameof(AttentionBlock)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = input.transpose(0, 1); // MultiheadAttention wants [sequence, batch, features]
        var h = norm1.call(x);
        x = x + attention.call(h, h, h, null, false, null).Item1;
        x = x + ff2.call(functional.gelu(ff1.call(norm2.call(x))));
        return head.call(x.mean([0]));
    }
}

/// <summary>Token embeddings averaged over the sequence, then a linear classifier.</summary>
internal sealed class BagOfWords : Module<Tensor, Tensor>
{
    private readonly Embedding embedding = Embedding(200, 16);
    private readonly Linear head = Linear(16, 2);

    public BagOfWords() : base(nameof(BagOfWords)) => RegisterComponents();

    public override Tensor forward(Tensor tokens) => head.call(embedding.call(tokens).mean([1]));
}
