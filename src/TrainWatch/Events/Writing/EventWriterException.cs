namespace TrainWatch.Events;

/// <summary>Thrown into the caller only in strict mode (<see cref="EventWriterOptions.ThrowOnError"/>).</summary>
public sealed class EventWriterException : IOException
{
    /// <summary>Creates the exception.</summary>
    public EventWriterException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
