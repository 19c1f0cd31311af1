using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The fast rows of a sample step's weights and gradients. CPU tensors are reduced in place by the host kernels
/// (<see cref="HostKernels.HostRows"/>); tensors on another device are reduced there, those of one device and
/// (computing) dtype together, by <see cref="BatchedStatistics"/>. Either way the result reads exactly like one
/// <see cref="DeviceStatistics.FastRow"/> per tensor, in the order given, so packing and decoding do not change. Owns
/// the device batches' cached layouts.
/// </summary>
internal sealed class ParameterRows : IDisposable
{
    // A batch's temporaries are a few copies of the batch (~30 bytes an element), so a batch is capped: 2^22
    // elements is ~120 MB at most, and a tensor larger than that costs far more than an op's dispatch anyway, so
    // it keeps its own row.
    private const long BatchLimit = 1L << 22;

    // Layouts differ only when which gradients exist changes (a frozen layer, a sample before the first backward),
    // so a handful cover a run; the cap only guards against a model that keeps changing.
    private const int MaxCachedLayouts = 16;

    private readonly int _bins;
    private readonly bool _hostKernels;
    private readonly long _histogramLimit;
    private readonly Dictionary<string, SegmentLayout> _layouts = [];

    // The host kernels' rows, reused: the parts Parts returns point into it until the caller has packed them (before
    // its next call), and for a model of a few hundred tensors a fresh array would be a large object every sample.
    private double[] _hostRows = [];

    /// <param name="bins">Histogram buckets.</param>
    /// <param name="hostKernels">Reduce CPU tensors with the host kernels (false: with libtorch ops, as on a GPU).</param>
    /// <param name="histogramLimit">Elements a histogram counts at most (<see cref="HistogramSampling"/>); 0 counts all.</param>
    public ParameterRows(int bins, bool hostKernels = true, long histogramLimit = 0)
    {
        _bins = bins;
        _hostKernels = hostKernels;
        _histogramLimit = histogramLimit;
    }

    /// <summary>
    /// 1-D float64 tensors whose concatenation is the fast rows of <paramref name="tensors"/> in order. Call inside a
    /// dispose scope: the tensors belong to it.
    /// </summary>
    public List<Tensor> Rows(IReadOnlyList<Tensor> tensors) => Parts(tensors).Select(p => p.ToTensor()).ToList();

    /// <summary>
    /// Parts whose concatenation is the fast rows of <paramref name="tensors"/> in order: host values for the CPU
    /// tensors the host kernels reduced, tensors for the rest. Call inside a dispose scope: the tensors belong to it.
    /// The host values live in a buffer the next call reuses: pack (or copy) them before calling again.
    /// </summary>
    /// <param name="tensors">The tensors.</param>
    /// <param name="snapshot">The update ratio's snapshot work, run in the host kernels' pass over the weights (<see cref="HostKernels.SnapshotPass"/>); left undone unless every weight is read by the host kernels.</param>
    /// <param name="weightIndexes">With <paramref name="snapshot"/>: the index in <paramref name="tensors"/> of each weight.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<RowPart> Parts(IReadOnlyList<Tensor> tensors, HostKernels.SnapshotPass? snapshot = null, IReadOnlyList<int>? weightIndexes = null)
    {
        int rowLength = StatisticsRow.FastLength(_bins, hasChannels: false);

        // Where each tensor's row is: a block of rows (host values or a device tensor) and the index in it.
        var blockOf = new object[tensors.Count];
        var indexInBlock = new int[tensors.Count];
        var onHost = new List<int>();
        var onDevice = new List<int>();
        for (int i = 0; i < tensors.Count; i++)
        {
            (_hostKernels && HostKernels.HostView.Applies(tensors[i]) ? onHost : onDevice).Add(i);
        }

        if (onHost.Count > 0)
        {
            // The weights' positions among the host tensors, when all of them are there (else the snapshot is left undone).
            var hostIndexes = snapshot is null || weightIndexes is null || onDevice.Count > 0 ? null : weightIndexes;
            double[] block = HostKernels.HostRows.FastRows(onHost.Select(i => tensors[i]).ToList(), _bins, _histogramLimit, hostIndexes is null ? null : snapshot, hostIndexes, _hostRows);
            _hostRows = block;
            for (int k = 0; k < onHost.Count; k++)
            {
                blockOf[onHost[k]] = block;
                indexInBlock[onHost[k]] = k;
            }
        }

        // Batches index the device tensors; mapped back to positions in the full list.
        foreach (var batch in Batches(onDevice.Select(i => tensors[i]).ToList()).Select(b => b.Select(k => onDevice[k]).ToList()))
        {
            var members = batch.Select(i => tensors[i]).ToList();
            Tensor block;

            // Each batch's temporaries (a few copies of it) are freed before the next batch starts, so a large model
            // never holds more than one batch's worth of them; only the small row block outlives the scope.
            using (NewDisposeScope())
            {
                block = (batch.Count == 1
                    ? DeviceStatistics.FastRow(members[0], _bins, UnitAxis.None, histogramLimit: _histogramLimit)
                    : BatchedStatistics.FastRows(members, LayoutFor(members), _bins)).MoveToOuterDisposeScope();
            }

            for (int k = 0; k < batch.Count; k++)
            {
                blockOf[batch[k]] = block;
                indexInBlock[batch[k]] = k;
            }
        }

        // Consecutive rows of one block travel as one part (the usual case: one block, one part).
        var parts = new List<RowPart>();
        for (int start = 0; start < tensors.Count;)
        {
            int end = start + 1;
            while (end < tensors.Count && ReferenceEquals(blockOf[end], blockOf[start]) && indexInBlock[end] == indexInBlock[end - 1] + 1)
            {
                end++;
            }

            int offset = indexInBlock[start] * rowLength;
            int length = (end - start) * rowLength;
            parts.Add(blockOf[start] switch
            {
                double[] host => RowPart.OnHost(new ArraySegment<double>(host, offset, length)),
                Tensor block => RowPart.Of(offset == 0 && block.numel() == length ? block : block.narrow(0, offset, length)),
                _ => throw new InvalidOperationException("A tensor's row was not computed."),
            });
            start = end;
        }

        return parts;
    }

    public void Dispose() => ClearLayouts();

    private void ClearLayouts()
    {
        foreach (var layout in _layouts.Values)
        {
            layout.Dispose();
        }

        _layouts.Clear();
    }

    // Tensors grouped by device and the dtype they are reduced in, in order, each group cut at BatchLimit elements. A
    // batch samples the histograms of its tensors above the limit as their own rows would.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<List<int>> Batches(IReadOnlyList<Tensor> tensors)
    {
        var batches = new List<List<int>>();
        var open = new Dictionary<(DeviceType, int, ScalarType), (List<int> Members, long Elements)>();
        for (int i = 0; i < tensors.Count; i++)
        {
            long numel = tensors[i].numel();
            if (numel > BatchLimit)
            {
                batches.Add([i]);
                continue;
            }

            var key = (tensors[i].device_type, tensors[i].device_index, ComputeType(tensors[i].dtype));
            if (!open.TryGetValue(key, out var batch) || batch.Elements + numel > BatchLimit)
            {
                batch = ([], 0);
                batches.Add(batch.Members);
            }

            batch.Members.Add(i);
            open[key] = (batch.Members, batch.Elements + numel);
        }

        return batches;
    }

    private SegmentLayout LayoutFor(List<Tensor> members)
    {
        var first = members[0];
        var dtype = ComputeType(first.dtype);
        var lengths = members.Select(t => t.numel()).ToList();
        string key = $"{first.device_type}:{first.device_index}|{dtype}|{string.Join(',', lengths)}";
        if (!_layouts.TryGetValue(key, out var layout))
        {
            if (_layouts.Count >= MaxCachedLayouts)
            {
                ClearLayouts();
            }

            layout = new SegmentLayout(lengths, _bins, first.device, dtype, _histogramLimit);
            _layouts[key] = layout;
        }

        return layout;
    }

    // What DeviceStatistics.AsFloat turns a tensor into: float64 stays, everything else is reduced as float32.
    private static ScalarType ComputeType(ScalarType dtype) =>
        dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
}
