// The TorchSharp tests run one test class at a time, for two reasons.
// - Determinism: libtorch has one global random generator. A class that seeds it (manual_seed) and then builds a
//   model was meeting draws and reseeds from the class running beside it, so its weights changed from run to run:
//   a clean-clone CI run once found a host and a device run of one test 0.5 % apart that way (UpdateRatioTests, since
//   given its own generator). About 30 test files still build their models from the seeded global generator.
// - Speed: each libtorch op already runs on both cores, and two classes side by side made their OpenMP threads wait
//   on each other: the suite took 1 min 41–48 s in parallel and 1 min 22–26 s one class at a time (2-core machine,
//   2026-12-07, alternated).
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
