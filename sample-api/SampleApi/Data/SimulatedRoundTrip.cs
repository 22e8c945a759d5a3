using Microsoft.Extensions.Options;
using Npgsql;
using SampleApi.Hosting;

namespace SampleApi.Data;

/// <summary>
/// Demonstration profile: before each query, the server sleeps on the same connection, so every query holds its
/// connection as long as a round trip to a remote database would, and the pool size bounds throughput.
/// </summary>
internal sealed class SimulatedRoundTrip(IOptions<SampleApiOptions> options)
{
    private readonly double _seconds = options.Value.Demo.SimulatedRoundTripMilliseconds / 1000.0;

    public bool Enabled => _seconds > 0;

    public async ValueTask ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        await using var command = Command(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Apply(NpgsqlConnection connection)
    {
        if (!Enabled)
        {
            return;
        }

        using var command = Command(connection);
        command.ExecuteNonQuery();
    }

    private NpgsqlCommand Command(NpgsqlConnection connection) =>
        new(UserSql.SimulatedRoundTrip, connection) { Parameters = { new() { Value = _seconds } } };
}
