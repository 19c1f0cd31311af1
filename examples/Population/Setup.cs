namespace TrainWatch.Examples.Population;

/// <summary>The architecture families the generator draws from.</summary>
public enum Family { Mlp, Cnn, Recurrent, Attention, EncoderDecoder }

/// <summary>Normalisation after each block's weighted layer.</summary>
public enum Norm { None, BatchNorm, LayerNorm, GroupNorm }

/// <summary>Each block's activation.</summary>
public enum Activation { ReLU, GELU, Tanh, LeakyReLU, SiLU }

/// <summary>The optimizers drawn, each with a learning rate in its own sensible range.</summary>
public enum OptimizerKind { Sgd, SgdMomentum, Adam, AdamW, RmsProp }

/// <summary>
/// One whole training setup, drawn from a seed: everything a person would choose before pressing run.
/// </summary>
public sealed record Setup(
    int Seed,
    Family Family,
    int Depth,
    int Width,
    Norm Norm,
    Activation Activation,
    double Dropout,
    bool Residual,
    bool Lstm,
    OptimizerKind Optimizer,
    double LearningRate,
    int BatchSize,
    int Features,
    int Classes,
    double Noise,
    bool FixedBatch,
    int Steps,
    int Every)
{
    /// <summary>Draws a setup from <paramref name="seed"/>; <paramref name="maxSteps"/> caps the run length (slow machines).</summary>
    public static Setup Draw(int seed, int maxSteps)
    {
        var r = new Random(seed);
        var family = Pick(r, [Family.Mlp, Family.Mlp, Family.Cnn, Family.Cnn, Family.Recurrent, Family.Attention, Family.EncoderDecoder]);
        // Batch norm needs a batch dimension it can average over: not inside recurrent or attention blocks.
        Norm[] norms = family is Family.Recurrent or Family.Attention ? [Norm.None, Norm.LayerNorm] : [Norm.None, Norm.BatchNorm, Norm.LayerNorm, Norm.GroupNorm];
        var optimizer = Pick(r, Enum.GetValues<OptimizerKind>());
        double lr = optimizer switch
        {
            OptimizerKind.Sgd => LogUniform(r, 0.01, 0.2),
            OptimizerKind.SgdMomentum => LogUniform(r, 0.003, 0.05),
            OptimizerKind.RmsProp => LogUniform(r, 1e-4, 2e-3),
            _ => LogUniform(r, 1e-4, 5e-3),
        };
        int steps = Math.Min(maxSteps, r.Next(300, 2001));
        int every = Pick(r, [1, 2, 5, 10, 10, 20, 25, 50]);
        // At least ~12 samples a run: the relative rules need a history.
        every = Math.Max(1, Math.Min(every, steps / 12));
        var setup = new Setup(
            seed,
            family,
            Depth: r.Next(2, 7),
            Width: Pick(r, [16, 24, 32, 48, 64]),
            Norm: Pick(r, norms),
            Activation: Pick(r, Enum.GetValues<Activation>()),
            Dropout: r.NextDouble() < 0.3 ? 0.1 : 0,
            Residual: family is Family.Mlp or Family.Cnn && r.NextDouble() < 0.5,
            Lstm: r.NextDouble() < 0.5,
            optimizer,
            lr,
            BatchSize: Pick(r, [8, 16, 32, 64, 128]),
            Features: Pick(r, [8, 16, 32]),
            Classes: r.Next(2, 9),
            Noise: LogUniform(r, 0.2, 2.5),
            FixedBatch: r.NextDouble() < 0.2,
            steps,
            every);
        return setup.Family == Family.Cnn ? AffordableCnn(setup) : setup;
    }

    /// <summary>
    /// Caps a CNN's channels and batch after the draw (so the seed's other choices stay as drawn): a 6-block CNN of
    /// 64 channels at batch 128 takes a third of a second a step on one core, and the population must run 2,000-step
    /// setups by the hundred on a 2-core machine.
    /// </summary>
    private static Setup AffordableCnn(Setup setup)
    {
        int width = Math.Min(setup.Width, 32), batch = setup.BatchSize;
        while (width * batch > 1024)
        {
            batch /= 2;
        }

        return setup with { Width = width, BatchSize = batch };
    }

    /// <summary>One line for people.</summary>
    public string Describe() =>
        $"{Family}{(Family == Family.Recurrent ? Lstm ? "/LSTM" : "/GRU" : "")}{(Residual ? "+res" : "")} d{Depth} w{Width} {Norm} {Activation}{(Dropout > 0 ? " drop" : "")} {Optimizer} lr {LearningRate:G2} b{BatchSize} noise {Noise:F2}{(FixedBatch ? " fixed-batch" : "")} {Steps} steps every {Every}";

    private static T Pick<T>(Random r, T[] values) => values[r.Next(values.Length)];

    private static double LogUniform(Random r, double lo, double hi) => Math.Exp(Math.Log(lo) + (r.NextDouble() * (Math.Log(hi) - Math.Log(lo))));
}
