using Autotune.Agent;
using Microsoft.Extensions.Options;
using Npgsql;
using SampleApi.Hosting;

namespace SampleApi.Data;

/// <summary>
/// The users table. Every connection comes from the agent's <see cref="ITunedDataSource"/>, so the operator can
/// resize the pool live and the agent measures wait and hold times.
/// </summary>
internal sealed class UserStore(ITunedDataSource dataSource, SimulatedRoundTrip roundTrip, IOptions<SampleApiOptions> options)
{
    private readonly bool _blocking = options.Value.Demo.BlockingDataPath;

    /// <summary>
    /// Reads one user. Takes no cancellation token on purpose: the read is shared by every caller waiting for this
    /// key and bounded by the server's statement timeout, so a slow database is not also sent a cancel request per
    /// impatient client.
    /// </summary>
    public Task<User?> FindAsync(long id) => _blocking ? Task.FromResult(FindBlocking(id)) : FindNonBlockingAsync(id);

    public async Task<UserPage> PageAsync(long after, int limit, CancellationToken cancellationToken)
    {
        if (_blocking)
        {
            return PageBlocking(after, limit);
        }

        return await dataSource.ExecuteIdempotentReadAsync(
            async (connection, ct) =>
            {
                await roundTrip.ApplyAsync(connection, ct);
                await using var command = new NpgsqlCommand(UserSql.Page, connection) { Parameters = { new() { Value = after }, new() { Value = limit } } };
                await using var reader = await command.ExecuteReaderAsync(ct);
                var items = new List<User>(limit);
                while (await reader.ReadAsync(ct))
                {
                    items.Add(Read(reader));
                }

                return ToPage(items, limit);
            },
            cancellationToken);
    }

    public async Task<User> InsertAsync(string name, string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await roundTrip.ApplyAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(UserSql.Insert, connection) { Parameters = { new() { Value = name }, new() { Value = email } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    /// <summary>Updates a user and bumps its version; null when there is no such user.</summary>
    public async Task<User?> UpdateAsync(long id, string name, string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await roundTrip.ApplyAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(UserSql.Update, connection)
        {
            Parameters = { new() { Value = id }, new() { Value = name }, new() { Value = email } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<DomainCount>> TopDomainsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await roundTrip.ApplyAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(UserSql.TopDomains, connection) { Parameters = { new() { Value = limit } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<DomainCount>(limit);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DomainCount(reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    private Task<User?> FindNonBlockingAsync(long id) =>
        dataSource.ExecuteIdempotentReadAsync(
            async (connection, _) =>
            {
                await roundTrip.ApplyAsync(connection, CancellationToken.None);
                await using var command = new NpgsqlCommand(UserSql.FindById, connection) { Parameters = { new() { Value = id } } };
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                return await reader.ReadAsync(CancellationToken.None) ? Read(reader) : null;
            },
            CancellationToken.None);

    // Demonstration profile: synchronous Npgsql I/O that blocks the request thread for the whole round trip.
#pragma warning disable CA1849 // Deliberately synchronous: this is the labelled thread-starvation demonstration.
    private User? FindBlocking(long id) =>
        dataSource.ExecuteIdempotentRead(connection =>
        {
            roundTrip.Apply(connection);
            using var command = new NpgsqlCommand(UserSql.FindById, connection) { Parameters = { new() { Value = id } } };
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        });

    private UserPage PageBlocking(long after, int limit) =>
        dataSource.ExecuteIdempotentRead(connection =>
        {
            roundTrip.Apply(connection);
            using var command = new NpgsqlCommand(UserSql.Page, connection) { Parameters = { new() { Value = after }, new() { Value = limit } } };
            using var reader = command.ExecuteReader();
            var items = new List<User>(limit);
            while (reader.Read())
            {
                items.Add(Read(reader));
            }

            return ToPage(items, limit);
        });
#pragma warning restore CA1849

    private static UserPage ToPage(List<User> items, int limit) =>
        new(items, items.Count == limit ? items[^1].Id : null);

    private static User Read(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
}
