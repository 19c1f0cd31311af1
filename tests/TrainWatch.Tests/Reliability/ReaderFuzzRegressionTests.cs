using TrainWatch.Events;
using TrainWatch.Testing.Fuzz;

namespace TrainWatch.Tests.Reliability;

/// <summary>Counterexamples the reader fuzz properties found, kept as plain tests so they stay fixed.</summary>
public class ReaderFuzzRegressionTests
{
    [Fact]
    public void A_record_with_valid_crcs_that_is_not_an_event_is_not_counted_as_valid_length()
    {
        var fuzzCase = new FuzzCase(SeedEventFiles.Named("scalars"), [new ResealedRecord(RecordAt: 94, PayloadDamage: new Delete(At: 14, Count: 1))]);
        using var reader = new EventFileReader(new MemoryStream(fuzzCase.Apply()), "resealed");

        var events = reader.ReadEvents().ToList();

        Assert.NotEmpty(events); // the records before the damage
        Assert.Equal(EventFileState.Corrupt, reader.State);
        Assert.Equal(94, reader.ProblemOffset);
        Assert.StartsWith("record is not a TensorBoard Event", reader.Problem);
        Assert.Equal(94, reader.ValidLength);
    }
}
