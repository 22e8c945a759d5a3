using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SampleApi.Data;
using SampleApi.Errors;

namespace SampleApi.Endpoints;

/// <summary>GET /reports/top-domains: the email domains with the most users, aggregated over the whole table.</summary>
public static class ReportEndpoints
{
    private const int MaxLimit = 100;

    /// <summary>Maps the report endpoints.</summary>
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/top-domains", TopDomains);
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<DomainCount>>, ValidationProblem>> TopDomains(string? limit, UserStore store, CancellationToken cancellationToken)
    {
        var size = 10;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxLimit))
        {
            return Problems.Field("limit", $"limit must be between 1 and {MaxLimit}");
        }

        return TypedResults.Ok(await store.TopDomainsAsync(size, cancellationToken));
    }
}
