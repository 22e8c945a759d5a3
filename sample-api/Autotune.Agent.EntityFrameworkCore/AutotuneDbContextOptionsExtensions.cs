using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Autotune.Agent.EntityFrameworkCore;

/// <summary>Puts EF Core contexts on the agent's tuned data source.</summary>
public static class AutotuneDbContextOptionsExtensions
{
    /// <summary>
    /// <c>UseNpgsql</c> over the agent's <see cref="ITunedDataSource"/>: every context's connection comes from the pool
    /// generation current when it is created, and a context that keeps its connection (a pooled one, from
    /// <c>AddDbContextPool</c>) takes a new one from the current pool before it opens again after a pool swap.
    /// Call it in <c>AddDbContext((sp, options) =&gt; options.UseAutotuneNpgsql(sp))</c> (or <c>AddDbContextPool</c>,
    /// <c>AddDbContextFactory</c>) after <c>AddAutotuneAgent</c>.
    /// </summary>
    public static DbContextOptionsBuilder UseAutotuneNpgsql(
        this DbContextOptionsBuilder options,
        IServiceProvider services,
        Action<NpgsqlDbContextOptionsBuilder>? npgsqlOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        var tuned = services.GetRequiredService<ITunedDataSource>();
        return options
            .UseNpgsql(tuned.DbDataSource, npgsqlOptions)
            .AddInterceptors(new PoolSwapInterceptor(tuned));
    }
}
