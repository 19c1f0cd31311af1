using TrainWatch.TorchSharp.History;

namespace TrainWatch.TorchSharp;

public sealed partial class TrainWatcher
{
    // Unlike other extensions it needs each sample's statistics, so the watcher keeps it by name as well.
    private HistoryExtension? _history;

    private void AddHistory(WatchContext context)
    {
        _history = HistoryExtension.For(context);
        if (_history is not null)
        {
            _extensions.Add(_history);
        }
    }
}
