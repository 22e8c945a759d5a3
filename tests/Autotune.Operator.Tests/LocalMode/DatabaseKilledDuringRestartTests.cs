using Autotune.Contracts;
using Npgsql;
using Xunit;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>
/// PostgreSQL killed in the middle of the restart a max_connections raise needs: the restart command SIGKILLs the
/// postmaster and fails, and a supervisor (here the test, as a StatefulSet or systemd would) starts the server again.
/// Local mode reports the failed restart, keeps running, never delivers a pool the running server cannot hold, and
/// carries on once the server is back.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class DatabaseKilledDuringRestartTests
{
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task A_restart_killed_midway_is_reported_no_pool_outgrows_the_running_server_and_tuning_resumes_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;

        // max_connections 20 - 3 superuser - 1 admin - 2 reserved = 14 for the API: a pool of 14 leaves no headroom.
        const int superuserAndAdmin = 4, reserved = 2;
        await using var stack = await LocalStack.StartAsync(maxConnections: 20, ct);
        var killed = Path.Combine(stack.WorkDirectory, "killed");

        // The first restart kills the postmaster outright (no shutdown, no checkpoint) and fails; later ones restart.
        var script = $"""
            if [ ! -e '{killed}' ]; then
              touch '{killed}'
              kill -9 "$(head -n 1 '{stack.Postgres.DataDirectory}/postmaster.pid')"
              echo "postmaster killed" >&2
              exit 137
            fi
            exec "$@"
            """;
        await stack.RunAsync(
            Specs.ApiTuning(
                "dbMaxPoolSize: { min: 2, max: 40 }\npostgresMaxConnections: { min: 20, max: 60 }",
                postgres: $"adminSecretRef: {{ name: local-admin }}\nreservedConnections: {reserved}\nworkloadRef: {{ name: postgres }}\nrestart: Immediate"),
            new TuningFile(1, ThreadPoolMinThreads: 64, DbMaxPoolSize: 14),
            replicas: 1,
            Specs.DemoProfile(roundTripMs: 20),
            concurrency: 40,
            withAdmin: true,
            allowRestart: true,
            restartCommand: ["sh", "-c", script, "restart", .. stack.Postgres.RestartCommand]);

        // The invariant, sampled whenever the server answers: the pool delivered never needs more than it allows.
        var samples = 0;
        var violations = new List<string>();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            // Ends only in the delay's cancellation, so a sampler that stopped any other way fails the test.
            while (true)
            {
                if (await MaxConnectionsAsync(stack, sampling.Token) is { } max
                    && Autotune.Contracts.TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, sampling.Token), out var file, out _)
                    && file!.DbMaxPoolSize is { } pool)
                {
                    samples++;
                    if (pool + superuserAndAdmin + reserved > max)
                    {
                        violations.Add($"pool {pool} with max_connections {max}");
                    }
                }

                await Task.Delay(100, sampling.Token);
            }
        }, sampling.Token);

        // The supervisor: once the restart has killed the server, start it again a few seconds later.
        var supervisor = Task.Run(async () =>
        {
            while (!File.Exists(killed))
            {
                await Task.Delay(100, ct);
            }

            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            await stack.Postgres.StartExistingAsync(ct);
        }, ct);

        await stack.Output.WaitForAsync(l => l.Contains("RaiseMaxConnections:", StringComparison.Ordinal), DecisionTimeout, "a RaiseMaxConnections decision", ct);
        var failed = await stack.Output.WaitForAsync(l => l.Contains("ApplyFailed:", StringComparison.Ordinal) && l.Contains("the restart command sh exited with code 137", StringComparison.Ordinal), DecisionTimeout, "the failed restart reported with its exit code", ct);
        await supervisor;
        var raisedPool = await stack.Output.WaitForAsync(
            l => l.Contains("RaisePool:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "the pool raised once the server is back", ct);

        // The API serves again on the server that came back.
        var before = stack.Load!.Succeeded;
        await stack.Output.WaitForAsync(_ => stack.Load.Succeeded > before + 50, TimeSpan.FromSeconds(60), "requests to succeed after the server came back", ct);
        await sampling.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sampler);

        var lines = stack.Output.Lines.ToList();
        Assert.True(lines.IndexOf(failed) < lines.IndexOf(raisedPool), "the pool grows only after the failed restart, on the server that came back");
        Assert.True(violations.Count == 0, $"{violations.Count} of {samples} samples over max_connections, first: {violations.FirstOrDefault()}");
        Assert.True(samples >= 20, $"only {samples} samples");
        Assert.True(Autotune.Contracts.TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, ct), out var last, out _));
        Assert.True(last!.DbMaxPoolSize > 14, $"the pool stayed at {last.DbMaxPoolSize}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{samples} samples of SHOW max_connections and the delivered pool while the server answered, {violations.Count} over; pool at the end {last.DbMaxPoolSize}");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', lines.Concat(stack.Errors.Lines)));
    }

    /// <summary>SHOW max_connections, or null while the server does not answer.</summary>
    private static async Task<int?> MaxConnectionsAsync(LocalStack stack, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(stack.Postgres.ConnectionString + ";Pooling=false;Timeout=2");
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SHOW max_connections", connection);
            return int.Parse((string)(await command.ExecuteScalarAsync(ct))!, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return null;
        }
    }
}
