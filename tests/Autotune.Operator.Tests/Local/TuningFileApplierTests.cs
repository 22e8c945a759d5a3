using Autotune.Contracts;
using Autotune.Operator.Local;
using Xunit;

namespace Autotune.Operator.Tests.Local;

public sealed class TuningFileApplierTests
{
    [Fact]
    public async Task Writes_a_file_the_agent_parses_and_reads_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("autotune-applier-");
        try
        {
            var path = Path.Combine(directory.FullName, "nested", "tuning.json");
            var applier = new TuningFileApplier(path);
            Assert.Null(await applier.ReadAsync(ct));

            await applier.ApplyAsync(new TuningFile(3, 64, 24), ct);

            Assert.True(TuningFile.TryParse(await File.ReadAllTextAsync(path, ct), out var parsed, out var error), error);
            Assert.Equal(new TuningFile(3, 64, 24), parsed);
            Assert.Equal(parsed, await applier.ReadAsync(ct));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Refuses_an_invalid_file_and_keeps_the_last_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("autotune-applier-");
        try
        {
            var path = Path.Combine(directory.FullName, "tuning.json");
            var applier = new TuningFileApplier(path);
            await applier.ApplyAsync(new TuningFile(1, 8, 10), ct);

            await Assert.ThrowsAsync<ArgumentException>(() => applier.ApplyAsync(new TuningFile(2, 0, 10), ct));

            Assert.Equal(new TuningFile(1, 8, 10), await applier.ReadAsync(ct));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
