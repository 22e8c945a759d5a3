using Xunit.Sdk;
using Xunit.v3;

// Meters are process-wide: two agents running at once would each export the other's instruments. The tests that
// start apps therefore run one at a time.
[assembly: Parallelization(Mode = ParallelMode.None)]
