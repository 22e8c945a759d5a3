using System.Data.Common;
using Autotune.Agent;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Autotune.EfBench;

/// <summary>
/// <c>GET /{path}/{id}</c>: the same read and the same answer on each data path, so the benchmark compares only the
/// data access: <c>npgsql</c> (a command on a connection from <see cref="ITunedDataSource"/>), <c>ef</c> (a LINQ
/// query on a pooled context), <c>ef-compiled</c> (the same query compiled once), <c>dapper</c> (over the
/// registered <see cref="DbDataSource"/>).
/// </summary>
internal static class UserReads
{
    private const string Sql = "SELECT id, name, email FROM users WHERE id = $1";

    private static readonly Func<BenchContext, long, CancellationToken, Task<User?>> CompiledFind =
        EF.CompileAsyncQuery((BenchContext db, long id, CancellationToken ct) => db.Users.AsNoTracking().FirstOrDefault(u => u.Id == id));

    public static void MapUserReads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/npgsql/{id:long}", Npgsql);
        app.MapGet("/ef/{id:long}", Ef);
        app.MapGet("/ef-compiled/{id:long}", EfCompiled);
        app.MapGet("/dapper/{id:long}", DapperRead);
    }

    private static async Task<Results<Ok<User>, NotFound>> Npgsql(long id, ITunedDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? Found(new User { Id = reader.GetInt64(0), Name = reader.GetString(1), Email = reader.GetString(2) })
            : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<User>, NotFound>> Ef(long id, BenchContext db, CancellationToken ct) =>
        Found(await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct));

    private static async Task<Results<Ok<User>, NotFound>> EfCompiled(long id, BenchContext db, CancellationToken ct) =>
        Found(await CompiledFind(db, id, ct));

    private static async Task<Results<Ok<User>, NotFound>> DapperRead(long id, DbDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return Found(await connection.QueryFirstOrDefaultAsync<User>(
            new CommandDefinition("SELECT id, name, email FROM users WHERE id = @id", new { id }, cancellationToken: ct)));
    }

    private static Results<Ok<User>, NotFound> Found(User? user) => user is null ? TypedResults.NotFound() : TypedResults.Ok(user);
}
