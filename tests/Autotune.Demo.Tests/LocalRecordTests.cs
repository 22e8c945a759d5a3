using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Operator.Local;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class LocalRecordTests
{
    [Fact]
    public async Task Reads_back_the_windows_and_events_local_mode_records_with_the_settings_knob_by_knob()
    {
        var path = Path.Combine(Path.GetTempPath(), $"autotune-record-{Guid.NewGuid():N}.jsonl");
        try
        {
            var writer = new ConsoleStatusWriter(TextWriter.Null, path);
            var time = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
            await writer.WriteAsync(
                new TuningProgress(time, "PoolExhaustion", 42.5, 310, 0.9, double.NaN, 1.0, 120, 400, 0.05, 1, "replicas 2 minThreads 24 pool 12 maxConnections 40", "RaisePool: Raised")
                {
                    Applied = new Settings(2, 24, 12, 40),
                },
                TestContext.Current.CancellationToken);
            await writer.EventAsync(new TuningEvent(time, TuningEvent.Normal, "RaisePool", "Raised Npgsql pool 12 -> 24"), TestContext.Current.CancellationToken);

            var record = LocalRecord.Read(path);

            var window = Assert.Single(record.Windows);
            Assert.Equal(new Settings(2, 24, 12, 40), record.LastApplied);
            Assert.Equal((42.5, 1.0, 120.0, 400.0), (window.Rps, window.PoolUsage, window.PendingRequests, window.QueueDepth));
            Assert.True(double.IsNaN(window.PoolWaitP99Ms));
            Assert.Equal("RaisePool", Assert.Single(record.Events).Reason);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_record_with_no_windows_has_no_settings()
    {
        Assert.Null(LocalRecord.Read(Path.Combine(Path.GetTempPath(), $"autotune-missing-{Guid.NewGuid():N}.jsonl")).LastApplied);
    }
}
