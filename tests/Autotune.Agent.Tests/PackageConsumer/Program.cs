using Autotune.Agent;
using Autotune.Agent.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Npgsql;

// An EF Core app that takes the agent from its NuGet packages: the agent's line and the context's line.
var builder = WebApplication.CreateSlimBuilder(args);
builder.AddAutotuneAgent();
builder.Services.AddDbContextPool<ConsumerContext>((sp, options) => options.UseAutotuneNpgsql(sp));
var app = builder.Build();
app.MapGet("/pool", async (ConsumerContext db, CancellationToken ct) =>
{
    var one = await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct);
    var poolSize = new NpgsqlConnectionStringBuilder(db.Database.GetDbConnection().ConnectionString).MaxPoolSize;
    return $"{one};{poolSize}";
});
app.Run();

internal sealed class ConsumerContext(DbContextOptions<ConsumerContext> options) : DbContext(options);
