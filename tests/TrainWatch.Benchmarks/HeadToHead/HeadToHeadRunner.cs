using System.Globalization;
using System.Text;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>Runs the side-by-side comparison and writes docs/benchmarks.md.</summary>
public static class HeadToHeadRunner
{
    // Fixed text: what the targets are and why the CPU numbers miss some of them (measured, see the issue notes).
    private const string ReadingTheNumbers = """
        ## Reading the numbers

        Targets (issue 17) stand beside the figures. This is a 2-core CPU VM whose speed drifts with its neighbours
        (the same no-watcher CNN step measured 15.7 ms on 2026-11-25 and ~32 ms now): compare figures of one run, and
        read the brackets.

        - **Scalars** (target ≥ 30×; medians of 20–28× in the last runs, single rounds past 50×): `AddScalar` builds no
          protobuf message — the writer thread encodes each record straight into its batch (the same bytes as
          Google.Protobuf, tested), takes the whole queue at once, and is woken only for work that cannot wait. Per
          scalar that leaves ~0.2 µs on the caller (tag check, clock, one small allocation, a lock) and ~0.2 µs on the
          writer (`ScalarPathBenchmarks`). The target is read on the records alone (first call until the writer has
          written them to the file). The run "until on disk" adds the per-run part, timed alone in the row below it:
          opening the file with its header, and the fsync in `Dispose` (1–8 ms, the largest piece at 10,000 scalars and
          the source of the spread), which TorchSharp's writer skips.
        - **Histograms of a CPU tensor** (≥ 10×, met): the watcher's host kernels (`Statistics/HostKernels`) read the
          tensor's memory in place — one vectorised pass for the sums, min, max and zeros, one for the 64 buckets — on
          both cores, instead of libtorch's `histc`, which runs single-threaded at ~5 ns per element. The watcher's
          default counts the buckets of a tensor above `WatchOptions.HistogramSampleLimit` (2^18 elements) from every
          k-th element (k the smallest odd prime ≥ n / 2^18, so at most 2^18 are counted) and scales them to the
          element count; sums, min, max, zeros and NaN/Inf counts stay exact over every element. A bucket's share is
          then off by about √(p(1 − p)/m) for m counted elements (≤ 0.1 % at m = 2^18), except for values that repeat
          with the stride's own period, which have no bound (docs/design.md; tested against exact counts).
        - **From a host span** (≥ 10×, met): the bucket index of TensorBoard's exponential edges comes from a table
          indexed by the value's top bits with one correction against the edge table; statistics are vectorised and
          spans of 256K values or more are split over the pool (`SpanHistogramBenchmarks`: ~2–3 ns per element, from
          10–13).
        - **Watcher overhead**: every = 100 and every = 10 are within the noise of this machine. At every = 1 the
          pictures, projector and histories no longer multiply: they have their own intervals in training steps
          (`EverySteps`), so "all default features" costs what statistics cost. Statistics alone at every = 1 sit at
          the ≤ 10 % target's edge or above it; what they are made of is the next two points.
        - **One sample step against the floor** (target ≤ 3×; 4–7× here, from 18–31×): the floor is one `sum` per
          tensor, which libtorch runs on both cores at memory speed (~0.05–0.1 ns per element once in cache). The host
          kernels' first pass costs about as much (compare-and-select min/max; `Vector.Min` follows IEEE 754 on
          .NET 9+ and cost half the pass). The second pass is the bucket count: a load–increment–store per element,
          into one table per vector lane, that stays scalar because AVX2 has no scatter — 0.8–1.3 ns per element per
          core (`FastRowBenchmarks`, "pass 2 alone"), 10–20× a `sum`, and the rest of the gap. A faster exact count
          was tried: two elements' buckets as one index into a bins² table, halving the increments — 0.57 against
          0.94 ns per element on one thread, still twice the first pass, so not kept. Instead, above 2^18 elements the
          second pass counts the strided sample described above, so for large tensors it no longer outweighs the first.
          Below 2M elements both passes stay on the training thread: waking pool threads cost more than the second core
          saved (traced).
        - **As the model grows** (target ≤ 3× at every size, ≤ 1 % at every = 100): two tables, the cost of one sample
          step and the overhead measured at every = 1, 10 and 100 (a watched run at that interval against the plain run
          of the same round; at every = 100 one sample step falls in 100 timed steps, so this machine's noise is as
          large as the target). Statistics alone are 1.5–6× the
          floor at every size; at every = 100 the overhead is 0.5–1.6 % (the 50 M-parameter MLP went from 8.6
          training steps per sample step to about half of one). The sample step is larger than its statistics
          because of costs per module call and per sample, not per element: the forward hooks (~0.25 ms per recorded
          module call on this CPU — shape queries, the output's row, the dead-unit count, each a few libtorch calls; the
          196-tensor model records 146 calls: ~40 ms of its 50 ms), the update ratio's weight snapshot (a copy of every
          weight) and its measuring pass, and, on 2 cores, the writer thread's summaries competing with training.
          Still to do: reduce activations at `Step` in one batch, and fuse the snapshot copy into the update pass.
        """;

    private static (ReportTable Cost, ReportTable Overhead) ScalingTables() => (
        new("model (batch 32, statistics only)", "parameters / tensors", "training step", "sample step (extra time at every = 1)", "floor", "sample step × floor (target ≤ 3×)", "statistics alone × floor"),
        new("model (batch 32, statistics only)", "training step", "overhead at every = 1", "at every = 10", "at every = 100 (target ≤ 1 %)"));

    private static void RunOnly(string section, string root, bool quick)
    {
        switch (section)
        {
            case "writers":
                new WriterHeadToHead(root, quick).Run(new ReportTable("what", "TorchSharp SummaryWriter", "TrainWatch", "ratio", "target"));
                break;
            case "overhead":
                new WatcherOverhead(root, quick).Run(new ReportTable("configuration", "step", "overhead", "target"), new ReportTable("stage", "time", "× floor", "target"), new ReportTable("disk", "size"));
                break;
            case "scaling":
                var (cost, overhead) = ScalingTables();
                new ModelScaling(root, quick).Run(cost, overhead);
                Console.WriteLine();
                Console.WriteLine(cost.ToMarkdown());
                Console.WriteLine(overhead.ToMarkdown());
                break;
            default:
                throw new ArgumentException($"--only takes writers, overhead or scaling, not '{section}'.");
        }
    }

    public static int Run(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        bool quick = args.Contains("--quick");

        // --only scaling (or writers, overhead): one section printed, no report written; for a quick look while working.
        int onlyIndex = Array.IndexOf(args, "--only");
        string? only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1] : null;
        int outIndex = Array.IndexOf(args, "--out");
        string? output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
        string root = Path.Combine(Path.GetTempPath(), "trainwatch-headtohead", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);

        try
        {
            if (only is not null)
            {
                RunOnly(only, root, quick);
                return 0;
            }

            var writers = new ReportTable("what", "TorchSharp SummaryWriter", "TrainWatch", "ratio", "target");
            new WriterHeadToHead(root, quick).Run(writers);

            var overhead = new ReportTable("example CNN, batch 64 of 3×32×32", "mean step time", "overhead", "target");
            var breakdown = new ReportTable("one sample step, parameters and gradients of the example CNN", "time", "× floor", "target");
            var disk = new ReportTable("disk growth (example CNN, 64-bucket histograms)", "size");
            new WatcherOverhead(root, quick).Run(overhead, breakdown, disk);

            var (scalingCost, scalingOverhead) = ScalingTables();
            new ModelScaling(root, quick).Run(scalingCost, scalingOverhead);

            var report = new StringBuilder();
            report.AppendLine("# Benchmarks").AppendLine();
            report.AppendLine("Generated by `scripts/bench.sh` (which runs `dotnet run -c Release --project tests/TrainWatch.Benchmarks -- headtohead --out docs/benchmarks.md`). Do not edit by hand.").AppendLine();
            report.AppendLine(FormattableString.Invariant($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
            report.AppendLine($"- machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, TorchSharp CPU");
            report.AppendLine($"- mode: {(quick ? "quick (3 rounds, fewer repetitions)" : "full (5 rounds)")}; every figure is a median with its min–max in brackets: over interleaved rounds (writers, overhead, scaling) or repeated runs (the sample-step breakdown), all in one process").AppendLine();
            report.AppendLine("## Writers side by side (same inputs, same process)").AppendLine();
            report.AppendLine(writers.ToMarkdown());
            report.AppendLine("## The watcher's overhead on the example CNN").AppendLine();
            report.AppendLine(overhead.ToMarkdown());
            report.AppendLine("## One sample step against the physical floor").AppendLine();
            report.AppendLine(breakdown.ToMarkdown());
            report.AppendLine("## The sample step as the model grows").AppendLine();
            report.AppendLine(scalingCost.ToMarkdown());
            report.AppendLine("Overhead measured at each interval: a watched run at that `every` against the plain run of the same round (100 steps); each watched run is timed over steps that hold exactly one sample step per `every` (100 steps at every = 100).").AppendLine();
            report.AppendLine(scalingOverhead.ToMarkdown());
            report.AppendLine("## Disk").AppendLine();
            report.AppendLine(disk.ToMarkdown());
            report.AppendLine(ReadingTheNumbers);
            Console.WriteLine();
            Console.WriteLine(report);
            if (output is not null)
            {
                File.WriteAllText(output, report.ToString());
                Console.WriteLine($"wrote {output}");
            }

            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Temporary files; best effort.
            }
        }
    }
}
