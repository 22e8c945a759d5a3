using Autotune.Agent.Tests;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

// Meters are process-wide: two agents running at once would each export the other's instruments, and the thread
// pool is shared. The tests that start apps therefore run one at a time, sharing one PostgreSQL server.
[assembly: Parallelization(Mode = ParallelMode.None)]
[assembly: AssemblyFixture(typeof(PostgresFixture))]
