using System.Net.Http.Json;
using SampleApi.Data;
using SampleApi.Tests.Infrastructure;
using static SampleApi.Tests.UserEndpointTests;

namespace SampleApi.Tests;

public sealed class ListAndReportTests(SharedServers servers)
{
    [Fact]
    public async Task Pages_walk_the_table_by_keyset_without_gaps_or_repeats()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 1_234), ct);

        var seen = new List<long>();
        long? after = 0;
        while (after is not null)
        {
            var page = await api.Http.GetFromJsonAsync<UserPage>($"/users?after={after}&limit=500", ct);
            seen.AddRange(page!.Items.Select(u => u.Id));
            after = page.Next;
        }

        Assert.Equal(Enumerable.Range(1, 1_234).Select(i => (long)i), seen);
        var first = await api.Http.GetFromJsonAsync<UserPage>("/users", ct);
        Assert.Equal(UserValidation.DefaultPageSize, first!.Items.Count);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("after=-1", "after")]
    [InlineData("after=x", "after")]
    public async Task Out_of_range_paging_is_400_naming_the_parameter(string query, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10), ct);

        Assert.Equal([field], await ErrorFields(await api.Http.GetAsync(new Uri($"/users?{query}", UriKind.Relative), ct), ct));
    }

    [Fact]
    public async Task Top_domains_is_the_real_aggregate_over_the_table()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 5_000);
        await using var api = await ApiHost.StartAsync(settings, ct);
        await api.Http.PostAsJsonAsync("/users", new UserInput("A", "a@mail70.example"), ct);

        var report = await api.Http.GetFromJsonAsync<List<DomainCount>>("/reports/top-domains?limit=3", ct);

        var expected = Enumerable.Range(1, 5_000).Select(UserSchema.SeedDomain).Append("mail70.example")
            .GroupBy(d => d).Select(g => new DomainCount(g.Key, g.Count()))
            .OrderByDescending(d => d.Users).ThenBy(d => d.Domain, StringComparer.Ordinal).Take(3);
        Assert.Equal(expected, report);
        Assert.Equal(["limit"], await ErrorFields(await api.Http.GetAsync(new Uri("/reports/top-domains?limit=0", UriKind.Relative), ct), ct));
    }
}
