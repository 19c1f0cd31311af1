using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.Population;

/// <summary>
/// weighted layer → norm → activation → dropout, optionally added to its input. Children are invoked with
/// <c>call</c> so TrainWatch's hooks see them; optional ones are registered only when present, so paths read
/// <c>blocks.2.fc</c>, <c>blocks.2.norm</c>, <c>blocks.2.act</c>.
/// </summary>
public sealed class Block : Module<Tensor, Tensor>
{
    private static readonly Scalar s_one = 1;
    private readonly Module<Tensor, Tensor> fc;
    private readonly Module<Tensor, Tensor>? norm;
    private readonly Module<Tensor, Tensor> act;
    private readonly Module<Tensor, Tensor>? drop;
    private readonly bool _residual;

    public Block(Module<Tensor, Tensor> fc, Module<Tensor, Tensor>? norm, Module<Tensor, Tensor> act, double dropout, bool residual) : base(nameof(Block))
    {
        this.fc = fc;
        this.norm = norm;
        this.act = act;
        drop = dropout > 0 ? Dropout(dropout) : null;
        _residual = residual;
        register_module("fc", fc);
        if (norm is not null)
        {
            register_module("norm", norm);
        }

        register_module("act", act);
        if (drop is not null)
        {
            register_module("drop", drop);
        }
    }

    /// <summary>The module right before the activation: its bias or gain decides what the activation sees.</summary>
    public string Feeder => norm is null ? "fc" : "norm";

    public override Tensor forward(Tensor input)
    {
        var h = fc.call(input);
        h = norm?.call(h) ?? h;
        h = act.call(h);
        h = drop?.call(h) ?? h;
        return _residual ? input.add(h, s_one) : h;
    }
}

/// <summary>A GRU or LSTM over [N, T, W] that returns its output sequence (the tuple it makes is not a Module&lt;Tensor, Tensor&gt;).</summary>
public sealed class RecurrentLayer : Module<Tensor, Tensor>
{
    private readonly GRU? gru;
    private readonly LSTM? lstm;

    public RecurrentLayer(int width, bool useLstm) : base(nameof(RecurrentLayer))
    {
        if (useLstm)
        {
            lstm = LSTM(width, width, batchFirst: true);
            register_module("lstm", lstm);
        }
        else
        {
            gru = GRU(width, width, batchFirst: true);
            register_module("gru", gru);
        }
    }

    public override Tensor forward(Tensor input)
    {
        if (lstm is not null)
        {
            var (output, _, _) = lstm.call(input, null);
            return output;
        }

        var (sequence, _) = gru!.call(input, null);
        return sequence;
    }
}

/// <summary>Single-head self-attention with a residual connection and layer norm over [N, T, W].</summary>
public sealed class SelfAttention : Module<Tensor, Tensor>
{
    private static readonly Scalar s_one = 1;
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly LayerNorm norm;
    private readonly Scalar _scale;

    public SelfAttention(int width) : base(nameof(SelfAttention))
    {
        query = Linear(width, width);
        key = Linear(width, width);
        value = Linear(width, width);
        output = Linear(width, width);
        norm = LayerNorm(width);
        _scale = 1.0 / Math.Sqrt(width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var scores = query.call(input).matmul(key.call(input).transpose(1, 2)).mul(_scale);
        var mixed = scores.softmax(-1).matmul(value.call(input));
        return norm.call(input.add(output.call(mixed), s_one));
    }
}
