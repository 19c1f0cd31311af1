using TrainWatch;
using TrainWatch.Events;

// Usage: TrainWatch.CrashTrial LOGDIR (forever|exit N)
//   forever: logs scalars (and now and then a histogram) until killed; after each Flush() prints "flushed <count>",
//            so the parent knows how many events were on disk at that moment.
//   exit N:  logs N scalars and returns from Main without disposing the writer (process-exit flush).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TrainWatch.CrashTrial LOGDIR (forever|exit N)");
    return 2;
}

var writer = new SummaryWriter(args[0], new EventWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20), Backpressure = BackpressurePolicy.Block });
Console.WriteLine($"file {writer.FilePath}");
if (args[1] == "exit")
{
    int count = int.Parse(args[2]);
    for (int i = 0; i < count; i++)
    {
        writer.AddScalar("x", i, i);
    }

    return 0; // no Dispose: the writer's process-exit handler must write everything
}

var random = new Random();
var values = new float[20_000];
for (long step = 0; ; step++)
{
    writer.AddScalar("x", step, step);
    if (step % 97 == 0)
    {
        random.NextSingle();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        writer.AddHistogram("h", values, step);
    }

    if (step % 50 == 49)
    {
        writer.Flush();
        Console.WriteLine($"flushed {step + 1}");
    }
}
