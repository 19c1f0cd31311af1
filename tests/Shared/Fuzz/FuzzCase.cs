using FsCheck;
using FsCheck.Fluent;

namespace TrainWatch.Testing.Fuzz;

/// <summary>A seed and the mutations applied to it, in order: everything needed to rebuild one damaged file.</summary>
public sealed record FuzzCase(SeedEventFile Seed, IReadOnlyList<FileMutation> Mutations)
{
    /// <summary>The damaged file.</summary>
    public byte[] Apply() => Mutations.Aggregate(Seed.Bytes, (bytes, mutation) => mutation.Apply(bytes));

    /// <summary>
    /// Cases over <paramref name="seeds"/>. Shrinking drops mutations, then simplifies each one, so a failure is
    /// reported with the fewest and smallest mutations that still show it.
    /// </summary>
    public static Arbitrary<FuzzCase> Arbitrary(IReadOnlyList<SeedEventFile> seeds)
    {
        var cases = from seed in Gen.Elements(seeds.ToArray())
                    from mutations in MutationGenerator.Combination(seed)
                    select new FuzzCase(seed, mutations);
        return Arb.From(cases, Shrink);
    }

    public override string ToString() =>
        $"{Seed}, mutations [{string.Join(", ", Mutations)}]";

    private static IEnumerable<FuzzCase> Shrink(FuzzCase fuzzCase)
    {
        var mutations = fuzzCase.Mutations;
        if (mutations.Count > 1)
        {
            for (int i = 0; i < mutations.Count; i++)
            {
                yield return fuzzCase with { Mutations = [.. mutations.Take(i), .. mutations.Skip(i + 1)] };
            }
        }

        for (int i = 0; i < mutations.Count; i++)
        {
            foreach (var simpler in mutations[i].Shrink())
            {
                yield return fuzzCase with { Mutations = [.. mutations.Take(i), simpler, .. mutations.Skip(i + 1)] };
            }
        }
    }
}
