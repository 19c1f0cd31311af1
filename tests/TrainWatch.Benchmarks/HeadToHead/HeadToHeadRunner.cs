using System.Globalization;
using System.Text;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>Runs the side-by-side comparison and writes docs/benchmarks.md.</summary>
public static class HeadToHeadRunner
{
    // Fixed text: what the targets are and why the CPU numbers miss some of them (measured, see the issue notes).
    private const string ReadingTheNumbers = """
        ## Reading the numbers

        Targets (issues 17 and 26) stand beside the figures. This is a 2-core CPU VM whose speed drifts with its neighbours
        (the same no-watcher CNN step measured 15.7 ms on 2026-11-25 and ~32 ms now): compare figures of one run, and
        read the brackets.

        - **Scalars** (target ≥ 30×, read on the records alone; the table gives this run's; 63× and 32× in two full runs on 2026-12-06,
          the second on a noisy machine, against 25× before the change described at the end of this paragraph): `AddScalar` builds no protobuf message — the writer thread encodes
          each record straight into its batch (the same bytes as Google.Protobuf, tested), takes the whole queue at once, and
          is woken only for work that cannot wait. Per scalar that leaves ~0.2 µs on the caller (tag check, clock, one small
          allocation, a lock) and ~0.2 µs on the writer (`ScalarPathBenchmarks`). "Records only" runs on a writer opened just
          before the clock starts, from the first call until the records are in the file: the 10,000 calls, then the flush
          request (`FlushToFile`), which wakes the writer; it encodes what is queued, writes it without fsync and answers.
          "Until on disk" adds the per-run part, timed alone in the row below it: opening the file with its header, and the
          fsync in `Dispose`, which TorchSharp's writer skips. Both clocks run in the process's first seconds, before tiered
          compilation re-optimises code it has just met (it waits for 30 calls and ~100 ms without new compilations, which
          the interleaved TorchSharp runs keep postponing), so TrainWatch's scalar path, on the caller and on the writer, is
          compiled fully optimised from its first call. Before that, the records-only rows, measured first, ran through
          unoptimised code and read above the until-on-disk rows measured after them (8.0 against 3.7 ms in the last run before it). The
          scalar rows alone (a few seconds): `dotnet run -c Release --project tests/TrainWatch.Benchmarks -- scalars [ROUNDS]`.
        - **Histograms of a CPU tensor** (≥ 10×, met): the watcher's host kernels (`Statistics/HostKernels`) read the
          tensor's memory in place — one vectorised pass for the sums, min, max and zeros, one for the 64 buckets — on
          both cores, instead of libtorch's `histc`, which runs single-threaded at ~5 ns per element. The watcher's
          default counts the buckets of a tensor above `WatchOptions.HistogramSampleLimit` (2^14 = 16,384 elements
          since issue 26; 2^18 before) from every k-th element (k the smallest odd prime ≥ n / 2^14, so at most 2^14
          are counted) and scales them to the element count; sums, min, max, zeros and NaN/Inf counts stay exact over
          every element. A bucket's share is then off by about √(p(1 − p)/m) for m counted elements (≤ 0.39 % at
          m = 2^14, ≤ 0.68 % at the smallest sample), except for values that repeat with the stride's own period, which
          have no bound (docs/design.md; tested against exact counts, and `trainwatch diff` at this limit).
        - **From a host span** (≥ 10×, met): the bucket index of TensorBoard's exponential edges comes from a table
          indexed by the value's top bits with one correction against the edge table; statistics are vectorised and
          spans of 256K values or more are split over the pool (`SpanHistogramBenchmarks`: ~2–3 ns per element, from
          10–13).
        - **Watcher overhead**: every = 100 and every = 10 are within the noise of this machine. At every = 1 the
          pictures, projector and histories no longer multiply: they have their own intervals in training steps
          (`EverySteps`), so "all default features" costs about what statistics cost. Statistics alone at every = 1:
          +6.7 %, +13.1 % and +6.9 % in three full runs on 2026-12-06, the middle one on a noisy machine (target ≤ 10 %;
          +14 % before issue 26's changes).
        - **One sample step against the floor** (target ≤ 3×; 5.9–6.1× in three runs on 2026-12-06 before the
          changes below, 18–31× before issue 17): the floor is one `sum` per tensor, which libtorch runs on both cores
          at memory speed (~0.05–0.1 ns per element once in cache). The host kernels' first pass (moments, min, max,
          zeros) now runs at ~0.105 ns per element on one core in cache, from 0.145: min and max are one native
          `vminps`/`vmaxps` each (`Vector.Min` follows IEEE 754 on .NET 9+ and cost half the pass; a compare and select
          is two instructions), zeros are counted by subtracting the comparison masks as integers, and the squares are
          fused multiply-adds. The second pass is the bucket count: a load–increment–store per element, into one table
          per vector lane, that stays scalar because AVX2 has no scatter — 0.8–1.3 ns per element per core
          (`FastRowBenchmarks`, "pass 2 alone"), 10–20× a `sum`. Since 2026-12-07 the increments take their eight
          slots into registers first and then store: read one by one between the stores, each read had to wait for
          the store before it to resolve, and 16K peaked floats took 10.4 against 6.9 µs (0.63 against 0.42 ns an
          element, one core, medians of 2,000 calls); the slots are also truncated by one `cvttps2dq` rather than
          .NET 9's saturating conversion. A sample step's `Step` fell by ~40 µs on the 0.28M MLP and ~300 µs on the
          48 blocks (alternated runs). A faster exact count was tried: two elements' buckets
          as one index into a bins² table, halving the increments — 0.57 against 0.94 ns per element on one thread,
          still twice the first pass, so not kept. Instead, above 2^14 elements the second pass counts the strided
          sample described above, so for every tensor above that size it costs at most about what the first pass costs
          for 16K elements. Combining each chunk's per-lane count tables had used `k % bins` per slot — an integer
          division, ~0.5 µs per chunk — which cost 4 ms a sample step on the 50M model; it is now a nested loop, and a
          run shorter than one kernel block clears and combines one table, not eight. Below 2M elements both passes
          stay on the training thread: waking pool threads cost more than the second core saved (traced).
        - **As the model grows** (targets ≤ 3× the floor at every size, ≤ 1 % at every = 100, ≤ 3 % for the small
          autoencoder at every = 10): two tables, the cost of one sample step and the overhead measured at every = 1, 10
          and 100 (a watched run at that interval against the plain run of the same round; at every = 100 one sample step
          falls in 100 timed steps, so this machine's noise is as large as the target). Until 2026-12-06 the sample step
          was the every = 1 run's mean step less the plain run's, two runs of 20–40 steps taken a second apart: on the
          small models the drift between them was larger than the sample (the autoencoder's ranged from −0.17 to
          2.38 ms in one report). It is now measured inside one run at every = 4: the sampled step, the step after it
          (the update ratio's pass) and the step before it (registering the hooks) against the plain step between
          them, over about four seconds of training for the fast models. The sample step is the
          statistics pass plus what every sample pays per tensor and per module call: the update ratio, the rules, the
          summaries and the histories, all on the training thread (summaries must be: docs/reliability.md), and the
          forward hooks. What issue 26 changed, in order: the hooks reduce each output in place with host kernels
          (saturation and the input's NaN/±∞ too; shapes read once); the alert rules keep their windows sorted; the
          update ratio's snapshot is a reused buffer and, on CPU, its work rides in the weights' statistics pass
          (`SnapshotPass`: each chunk of a weight, just read for its moments, is measured against its snapshot and
          written over it, or only copied when no snapshot is held), so a sample step reads each weight once; the
          histogram limit is 2^14, and batches on the device path sample as single rows do, so that lowering it does not
          unbatch a GPU model's tensors; hooks stay registered while consecutive steps are sampled (TorchSharp makes a
          GUID string per registration: ~3 µs a module); and the training thread allocates less per sample (tags made
          once per layer, the summary's value list sized once, host rows, counts and the packed sample in reused
          buffers: for a model of a few hundred tensors these were large-object-heap arrays, a full collection every
          few sample steps). Then, for the large models, the update ratio of a weight above 2^14 elements is measured
          on every k-th element (`WatchOptions.UpdateRatioSampleLimit`, k capped so that every row and column is read:
          docs/design.md; since 2026-12-07 in runs of up to 16 consecutive elements, k runs' length apart): its snapshot holds those only, not the model again, and the step after a sample reads that
          sample instead of every weight and its copy; and the histogram's sample of a float32 tensor is gathered in the
          moments pass, while the chunk is in cache — counted a stride apart from memory afterwards, each sampled
          element was a cache miss. The 8.5M MLP's sample step went from 10.45 to about 5 ms and the 50M MLP's from 35
          to about 13 (scaling runs of 2026-12-06 before and after). Since 2026-12-07 a sample's summary is encoded
          straight into its bytes on the training thread (`SummaryEncoder`, the same bytes as Google.Protobuf's, tested),
          with no message per value, and the writer frames them as they are: one sample's summary enqueued again and again
          measured 60–103 → 38–44 µs and 32 → 13 KB a call for the autoencoder, 946–998 → 831–926 µs and 734 → 35 KB for
          the 48 blocks (collections of generations 0 and 1: 117 and 101 → 4 and 3), and a watched autoencoder's sample
          step allocates 37 instead of 82 KB. Then three fixed costs (alternated runs at every = 4, 2026-12-07): the
          update norms the host kernels measure after a sample stay a host array until the next sample packs them
          (making a tensor of them pinned the array through TorchSharp: the autoencoder's after-sample `Step` measured
          22–66 → 16–18 µs); a sample's tags are checked for step order by position against the last sample's same
          strings, not hashed (the 48 blocks' sampled `Step` 5.94–6.18 → 5.44–5.95 ms, medians of 7 runs each); and the
          dead-unit flags of a layer's output come from a pool (a sampled forward pass of the 48 blocks allocates 410
          instead of 563 KB, the sample step 879 instead of 956). A distribution history reuses the columns its merges
          empty (the 48 blocks, 1,600 steps at every = 4: full collections 5–6 → 4, all collections' pauses ~500 →
          385–411 ms; 2 pairs). Later on 2026-12-07: shapes on the sample path are read with `dim()` and `size(d)`
          (`TensorSizes`; TorchSharp's `shape` fills its array through a callback that allocates and pins it, ~1.4
          against ~0.1 µs a 3-D tensor, `ShapeReadBenchmarks`, read for every module output and, on the device path, twice a weight by the update ratio's buffer
          check); the last-axis dead-unit count stops once every unit has been seen nonzero (a transformer's
          `[T, N, D]` outputs were read whole, a third of its hooks' time); together the transformer block's hooks on a
          sampled step went from ~250–400 to ~145–230 µs over its plain forward (10th percentiles, alternated pairs).
          The summary encoder keeps each tag object's checked UTF-8 form, tag checking passes printable ASCII over
          with one vectorised scan, and the step-order check keeps four tag lists by position instead of one (a
          watcher alternates a sample's statistics and, a step later, its update ratios, so one cached list always
          missed): one sample of 360 scalars and 36 histograms, enqueued alternately with 36 update ratios, 49–50 →
          27.5 µs a call (minima of 2,000 calls; `SampleSummaryBenchmarks`, two runs each: encoding alone 32–49 → 26–28 µs,
          the step-order check of both lists 2.8–2.9 → 1.2 µs). The encoder's table of kept tags, found again by each
          value's tag string, then showed in perf at ~13 % of the autoencoder's sampled `Step` at every = 4: three
          training steps between samples push it out of the caches, so each lookup waited on memory. The watcher now
          holds its tags as `PreparedTag` objects (checked and in UTF-8 once per layer) and the encoder writes their
          bytes with nothing to look up: the autoencoder's sampled `Step` 186–222 → 148–186 µs, the transformer
          block's 358–425 → 300–344 µs (10th percentiles of 2,000 steps at every = 4, 4 and 3 alternated pairs). The update ratio's
          sample is then read in runs of consecutive elements (16, 8, 4 or 2, a period apart), not one element a
          stride apart, which fetched a whole cache line per element read, and each run prefetches the one eight
          periods ahead: the step after a sample (minima of its `Step`, alternated runs at every = 4) 644–1,023 →
          293–350 µs on the 8.5M MLP, 823–1,012 → 473–561 µs on the 48 blocks, 55–56 → 29–41 µs on the 0.28M MLP. What remains: on the smallest models, fixed costs
          per tensor and per module call (P/Invokes for storage, the summary's values, the rules, the histories,
          the collections the sample's allocations bring), ~0.3–0.6 ms a sample against a floor of 30–110 µs; on a model of many
          mid-sized tensors (the 48 blocks), a histogram sample of a fifth of each 64K-element tensor and those same
          fixed costs 200 times over. On these 2 cores, libtorch's OpenMP worker also keeps
          spinning for a while after backward and takes the second core from the pass's pool thread: with libtorch at
          one thread the 8.5M MLP's sample step measured 6.5 against 8.7 ms at two. Activations are still reduced
          inside the hook, not at `Step`: a later in-place op (`ReLU(inplace: true)`) rewrites a kept output, and
          TorchSharp's `Sequential` disposes intermediate outputs, so a reference kept until `Step` measures the wrong
          values or none.
        - **A whole short run** (issue 26 measured +28 % on the autoencoder's 600 steps): the tables above time steady
          steps; a run that short also pays, once, Attach (the model check, the writer, the hooks), step 0 (pictures,
          graph and model summary, and the first use of the code) and Dispose (pictures at the end, the fsync). Since
          issue 26 the hooks of `Module<Tensor, Tensor>` layers compile no expression trees, and SkiaSharp's first use,
          the host kernels' compilation and the messages' descriptors are warmed on the thread pool beside Attach
          (joined before it returns: docs/reliability.md). Alternated fresh processes on 2026-12-06 (6 rounds, medians):
          Attach 155 → 147 ms, the first step 264 → 192 ms, Dispose 68 → 62 ms; whole runs of 2.2–3.6 s, in which this
          machine's noise (plain runs 2.35–3.10 s) is larger than the watcher. SkiaSharp's first use is mostly its
          native start-up, which reads every font file under /usr/share/fonts (~70 ms here, and more on a machine with
          many fonts): since 2026-12-07 it is warmed in a pool task of its own beside the kernels' and messages', and
          Attach measured 97 against 112 ms (5 alternated pairs). The distribution histories no longer draw a picture
          per layer at step 0, where each history is one column (2026-12-07: the history extension's share of the first
          step 17–26 → 8 ms on the autoencoder, 254 → 10 ms on the 48 blocks). What remains is mostly compilation
          (runtime JIT events, 2026-12-07): at step 0 the training thread compiles ~530 methods, 120–190 ms of the
          JIT's clock, 65 of them the sample path's fully optimised ones, which no ReadyToRun image holds; over the run
          the tiered-compilation thread recompiles ~150 ms more than in a plain run, and on 2 cores it takes a core
          from libtorch's OpenMP workers, whose spinning barriers then hold a whole step for the length of a batch
          (single steps of 86–146 ms against ~6 ms in perf, the compilation thread busy throughout).

        """;

    // Fixed text: the figures and the history behind choices that the code comments only explain.
    private const string BehindTheCode = """
        ## Behind the code

        The figures and the history behind choices the code comments only explain. Same 2-core shared VM as above.

        - **SpanHistogram** (`src/TrainWatch/Summaries/SpanHistogram.cs`, `ParallelThreshold` = 256K values): the
          hand-off of chunks to the thread pool costs tens of microseconds. On the shared 2-core machine of issue 17,
          splitting gained up to 1.6× at 16M values and stayed within the noise at 1M (the other core was rarely idle),
          so the threshold is a safe floor, not a tuned optimum.
        - **EventQueue** (`src/TrainWatch/Events/Writing/EventQueue.cs`): a channel read per event made the two cores pass the
          same cache lines back and forth for every scalar — most of a scalar's cost — hence one lock for callers and the
          writer taking the whole queue at once. Waking the writer every few thousand events as well, so it would encode
          beside the caller, was tried and measured no faster.
        - **Chunking** (`Statistics/HostKernels/Chunking.cs`, `ParallelThreshold` = 2M elements): traced on a
          0.28M-parameter MLP on 2 cores, waking the pool's threads cost more than the second core saved below that size.
        - **BatchedStatistics** (`Statistics/BatchedStatistics.cs`): a libtorch op costs a few µs of dispatch on CPU
          whatever its size; per-segment scatter ops (`index_add_`, weighted `bincount`) run serially on CPU at ~3 ns per
          element, slower than the per-tensor path they would replace. The GPU gain (one kernel launch per op instead of
          one per op and tensor) is expected, not measured: only CPU was available.
        - **MomentsKernel** (`Statistics/HostKernels/MomentsKernel.cs`): `Vector.Min`/`Max` follow IEEE 754 on .NET 9+
          and measured at nearly half of the first pass's time, hence a compare and a select.
        - **UniformHistogramKernel** (`Statistics/HostKernels/UniformHistogramKernel.cs`): the bucket count is a load, an
          increment and a store per element (~0.45–0.55 ns), the largest share of a small model's statistics. Runs of
          8K elements and more into at most 64 buckets are counted in pairs (one increment of a 64 × 64 table counts two
          elements, row and column sums give their buckets): 1.1–1.6× faster from 8K elements, slower below (the table's
          clear and fold), hence the threshold. Runs of normal values, 64 buckets (pairs) against 65 (per-lane tables),
          best of 9 rounds of repeated counts: 0.38 against 0.44 ns an element at 8K, 0.34 against 0.54 at 16K, 0.31 against 0.44 at 64K,
          0.67 against 0.58 at 4K (2026-12-07, a loaded machine; the comparison `HistogramKernelBenchmarks` runs).
        - **DeviceStatistics** (`Statistics/DeviceStatistics.cs`): `std_mean`'s Welford pass was ~30× slower on CPU than
          `sum` and `dot`; `count_nonzero` for dead units measured 5–10× slower than max/min reductions over the same
          dimensions.
        - **Issue 26, the sample step's fixed cost** (the autoencoder of the scaling table, every = 1, statistics only;
          A/B runs interleaved on a loaded machine, so relative): the forward hooks' extra time per sampled step went
          from 0.69 to 0.22 ms (median of 4 pairs) once saturation and the input's NaN/±∞ were counted by host kernels
          and shapes read once (`InputCheck` 2.0 → 0.25 % of the run, `Saturation` 2.0 → 0.1 %); `watch.Step` on a
          sampled step from 0.58 to 0.44 ms (median of 5 pairs) with the reused snapshot buffers and the rules' sorted
          windows (`Diagnostician.Examine` 4.1–4.9 → 1.6–1.8 %). Registering and removing the autoencoder's 18 hooks
          costs 10–13 µs a sampled step, so hooks stay registered only for the sampled step (and, since, for the next one
          when it is sampled too: at every = 1 they are registered once). Since the last stop of issue 26 they are
          registered once at Attach and removed at Dispose, and a gate closes them between sampled steps (`HookGate`):
          registering and removing one module's pair costs 1.46 µs (a GUID string each, a `getrandom` system call on
          Linux), while a call through closed hooks costs +10 ns (12 → 22 ns for a module that returns its input;
          `HookRegistrationBenchmarks`). The autoencoder's arming on the step before a sample went from 30 to 3 µs and
          its disarming from 9 to 1 µs (in-process medians of 750 samples at every = 4); above every ≈ 150 the closed
          hooks of a ten-module model cost more than the registrations they replace, ~0.1 µs of a ~4 ms step.
        - **The scalar path, compiled optimised at once** (`EventFileWriter.WriteScalar` and what it reaches): 10,000 scalars,
          records only, measured 5–10 ms in a process's first rounds (tier-0 code), ~2–3 ms once tiered up or with
          `DOTNET_TieredCompilation=0`, and 2.8–4.9 ms from the first round with `AggressiveOptimization` (medians of
          5 alternating process pairs of the `scalars` mode, 40–81× TorchSharp, against 22–39× before, with other jobs
          holding the load average at ~7). `AggressiveOptimization` alone made the caller ~15 % slower once warm (0.09
          against 0.08 µs per call, thread CPU time): code compiled that way has no call profile to inline by. The
          `AggressiveInlining` hints on the helpers, and `Monitor.Wait` moved out of `EventQueue.TryEnqueue` (an inlined
          native call sets up a frame on every enqueue), bring it back to the tiered-up figure.
        - **PngEncoder** (`src/TrainWatch.Imaging/Imaging/PngEncoder.cs`): Skia's default (zlib level 6, all filters) took
          ~0.5 s for a 1000×1000 noisy heat map; level 3 with the Sub filter is several times faster for files about
          10–20 % larger. Since 2026-12-08 an opaque picture (as the watcher's are) is written as RGB, without its
          alpha channel: a noisy 256×256 weight heat map encoded in 5.4 instead of 9.2 ms, 12 % smaller (`PngEncoderTests`
          checks both kinds decode to the bytes given). `PictureBatchBenchmarks` (48 such heat maps, `--filter
          '*PictureBatch*'`): one after another 494 → 307 ms, side by side 251 → 153 ms; the 48 blocks' picture step
          (below), the same build with either encoder, 2 alternated pairs: 473–477 → 407–430 ms.
        - **Pictures side by side** (`SummaryWriter.BeginBuildBatch`, `DistributionHistories.Draw`; issue 26, 2026-12-08): a
          picture step's images (kernel grids, heat maps, activation maps) and the distribution histories' pictures were drawn
          and PNG-encoded one after another on the training thread. They are independent, so they are now built side by side
          on the cores while the training thread waits and takes part. `PictureBatchBenchmarks` (the 48 blocks' 48 weight heat
          maps): 307 ms one after another, 153 ms side by side. The 48 blocks with pictures and histories every 100 steps
          (scratch harness, 1,000 steps at every = 4; the tree before these two changes against the tree after, 3 alternated
          pairs; medians of the 9 picture steps): a picture step 0.86–0.98 s → 0.50–0.51 s. Issue 26's autoencoder, whole
          600-step runs (6 alternated pairs): no change beyond the noise (the first step's `Step` 146–242 ms before, 151–236
          after; `Dispose` 78–90 and 69–114 ms). Its 9 images at step 0 took 38–46 ms side by side against 53–54 ms of work
          (the pool thread compiles its share of the drawing code there; one activation-map grid is a third of the batch).
        - **Precompiled libraries** (`build/ReadyToRun.targets`): issue 26's autoencoder, 600 steps at every = 10 with
          default options, fresh processes: the watched process had JIT-compiled ~1,700 methods by the end of `Attach`,
          ~2,900 by the end of step 0 and ~5,200 by `Dispose` (`System.Runtime.JitInfo`), against ~330, ~420 and ~860
          without the watcher; with the libraries precompiled, ~980, ~1,500 and ~2,300 (the rest: Google.Protobuf,
          SkiaSharp's and TorchSharp's managed code, generic instantiations, the host kernels). In 8 alternated pairs on
          2026-12-06: `Attach` 146 → 122 ms and the first step 158 → 107 ms (medians); the whole run's wall clock moved
          within this machine's noise (± 15 % between identical runs).
        - **The sample path, compiled once** (issue 26, 2026-12-07; docs/design.md): in the same 600-step run the
          watched process compiled ~3,200 methods for ~1.6 s of JIT time against ~800 and ~0.4 s without the watcher
          (`System.Runtime.JitInfo`), and ~1.2 s of the difference came after step 50: the runtime's background thread
          recompiling what had turned hot, a precompiled method twice (instrumented, then optimised), while libtorch
          wanted both cores. Per step, the run's extra time sat in steps 250–450 (when the methods run once per sample
          reach 30 calls), in stalls of 12–170 ms at steps that sample nothing. With `DOTNET_TieredCompilation=0` the
          watched run's overhead fell to −2 to +20 % (3 pairs). The ~110 methods a sample step runs that recompiled
          the most now carry `AggressiveOptimization`: compiled once, fully optimised, at their first call. That
          thread's CPU time (the whole-run table's last row) went from 960–1,340 ms to 580–700 ms (plain runs: 220–280;
          8 alternated pairs), and the first step grew by ~130 ms, where those methods now compile (crossgen2 leaves
          them out). Compiling all of them in `Attach`'s warm-up instead (`RuntimeHelpers.PrepareMethod`, on the pool)
          made `Attach` ~100 ms longer and the first step ~125 ms shorter (6 pairs): the warm-up outlasted `Attach`'s
          own work. It compiles the alert rules, the largest share, and the host statistics, which `Attach`'s model check
          runs last: `Attach` plus the first step ~515 → ~475 ms with the rules (6 pairs), → ~445 ms with both (7 pairs). The steady sample step did not move beyond the noise (autoencoder and 48 blocks at every = 4, 2
          pairs each). The whole run, the table's child processes, 8 rounds of plain, before and after, alternated: overhead
          +40 % before, +27 % after (medians; −7 to +65 % and −1 to +51 %), the watched run ~560 ms shorter (median of
          the rounds' medians, 5.77 → 5.21 s, plain 4.13 s); in a second harness with 8 rounds, +28 % and +12 %. A
          second pass the same day: ~35 more methods and lambdas the runtime still recompiled (the hooks' delegates, the
          extensions' `OnSample`, the summaries' encoding lambdas, the rules' helpers), and loops instead of LINQ over
          structs in the host rows. The thread's CPU time 370–390 → 320–350 ms (plain 160–190), the first step ~5 ms
          longer, the whole run within the noise (6 alternated pairs). What it still recompiles is mostly the runtime's
          own generic collections at the rate TrainWatch calls them. Warming the labelled grids' font in the warm-up
          was tried: the first step 12 ms shorter, `Attach` 16 ms longer (6 pairs); not kept.
        """;

    private static (ReportTable Cost, ReportTable Overhead) ScalingTables() => (
        new("model (batch 32, statistics only)", "parameters / tensors", "training step", "sample step (medians, at every = 4)", "floor", "sample step × floor (target ≤ 3×)", "statistics alone × floor", "floor with the measured activations: sample step × it"),
        new("model (batch 32, statistics only)", "training step", "overhead at every = 1", "at every = 10", "at every = 100 (target ≤ 1 %)"));

    private static ReportTable WholeRunTable() => new("conv autoencoder, batch 32 of 1×28×28, Adam (fresh process per run)", "time", "overhead", "target");

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
            case "wholerun":
                var whole = WholeRunTable();
                WholeRun.Run(whole, root, quick ? 3 : 5);
                Console.WriteLine();
                Console.WriteLine(whole.ToMarkdown());
                break;
            case "scaling":
                var (cost, overhead) = ScalingTables();
                new ModelScaling(root, quick).Run(cost, overhead);
                Console.WriteLine();
                Console.WriteLine(cost.ToMarkdown());
                Console.WriteLine(overhead.ToMarkdown());
                break;
            default:
                throw new ArgumentException($"--only takes writers, overhead, scaling or wholerun, not '{section}'.");
        }
    }

    /// <summary>
    /// The scalar rows of the writers' table alone, a few seconds' run: <c>scalars [ROUNDS]</c> (5 rounds by default, as in the full run).
    /// </summary>
    public static int RunScalars(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        string root = Path.Combine(Path.GetTempPath(), "trainwatch-headtohead", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var table = new ReportTable("what", "TorchSharp SummaryWriter", "TrainWatch", "ratio", "target");
            new WriterHeadToHead(root, quick: false).RunScalars(table, rounds);
            Console.WriteLine();
            Console.WriteLine($"{rounds} rounds; load average before: {loadBefore}, after: {File.ReadAllText("/proc/loadavg").Trim()}");
            Console.WriteLine(table.ToMarkdown());
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
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

            var whole = WholeRunTable();
            WholeRun.Run(whole, root, quick ? 3 : 5);

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
            report.AppendLine("The sample step: in one run at every = 4, where the sampled step, the step after it (which measures the sample's update ratio; at every = 1 that pass is part of the sample step), a plain step and the step before the next sample (which registers the forward hooks) alternate, the medians of the sampled, after and before steps less three times the median plain step, per round: the training thread's typical cost of a sample. Collections and the writer's thread are in the overhead table below, which compares means. The floor is issue 26's: one `sum` over every parameter and gradient, measured in each round beside that round's sample steps, and each ratio is a round's sample step over that round's floor. A sample also reads every output the hooks measure (dead units over the whole batch), which on a conv model is many times its weights: the last column adds one `sum` over a tensor of each measured output's shape to that floor and gives the sample step against it.").AppendLine();
            report.AppendLine("Overhead measured at each interval: a watched run at that `every` against the plain run of the same round (100 steps); each watched run is timed over steps that hold exactly one sample step per `every` (100 steps at every = 10 and at every = 100).").AppendLine();
            report.AppendLine(scalingOverhead.ToMarkdown());
            report.AppendLine("## A whole short run, as issue 26 measured it").AppendLine();
            report.AppendLine("The autoencoder above trained for 600 steps in a fresh process, plain and watched in turn: Attach, every step and Dispose on the clock, so the one-off costs the tables above leave out (first use of the code, pictures at step 0 and at the end) are in. Both kinds of child start with the same raised glibc malloc thresholds (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`): a process that frees one large block raises them for the rest of its life, TrainWatch's first sample does, and without that the watched runs' steps measured ~20 % faster than the plain runs' (`WholeRun.cs`). `dotnet run -c Release --project tests/TrainWatch.Benchmarks -- headtohead --only wholerun`.").AppendLine();
            report.AppendLine(whole.ToMarkdown());
            report.AppendLine("## Disk").AppendLine();
            report.AppendLine(disk.ToMarkdown());
            report.AppendLine(ReadingTheNumbers);
            report.AppendLine(BehindTheCode);
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
