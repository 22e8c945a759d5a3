using System.Net;
using System.Net.Http.Headers;
using SampleApi.Tests.Infrastructure;

namespace SampleApi.Tests;

public sealed class MiddlewareTests(SharedServers servers)
{
    [Fact]
    public async Task Requests_without_the_right_key_get_401_and_either_header_form_is_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10), ct);
        var users = new Uri("/users/1", UriKind.Relative);

        using var anonymous = ApiHost.Client(api.BaseUri, apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(users, ct)).StatusCode);
        using var wrong = ApiHost.Client(api.BaseUri, apiKey: "test-key-1235");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(users, ct)).StatusCode);
        using var bearer = ApiHost.Client(api.BaseUri, apiKey: null);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiSettings.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(users, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative), ct)).StatusCode);
    }

    [Fact]
    public async Task An_unauthenticated_oversized_request_gets_401_not_413_and_an_authenticated_one_413()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10), ct);
        var oversized = new string('x', 200 * 1024);
        var users = new Uri("/users", UriKind.Relative);

        using var anonymous = ApiHost.Client(api.BaseUri, apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(users, new StringContent(oversized), ct)).StatusCode);

        var declared = await api.Http.PostAsync(users, new StringContent(oversized), ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("application/problem+json", declared.Content.Headers.ContentType?.MediaType);

        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(oversized)));
        using var request = new HttpRequestMessage(HttpMethod.Post, users) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await api.Http.SendAsync(request, ct)).StatusCode);
    }

    [Fact]
    public async Task Beyond_the_rate_limit_requests_get_429_with_retry_after_and_unauthenticated_ones_still_401()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10);
        settings["SampleApi:RateLimitPerSecond"] = "1";
        settings["SampleApi:RateLimitBurst"] = "40";
        await using var api = await ApiHost.StartAsync(settings, ct);

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 60; i++)
        {
            statuses.Add(await api.Http.GetAsync(new Uri("/users/1", UriKind.Relative), ct));
        }

        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        using var anonymous = ApiHost.Client(api.BaseUri, apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/users/1", UriKind.Relative), ct)).StatusCode);
    }

    [Fact]
    public async Task Responses_are_compressed_when_the_client_accepts_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 300), ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/users?limit=200", UriKind.Relative));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        var response = await api.Http.SendAsync(request, ct);

        response.EnsureSuccessStatusCode();
        Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Probes_report_alive_and_ready_without_a_key()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10), ct);
        using var anonymous = ApiHost.Client(api.BaseUri, apiKey: null);

        Assert.Equal("alive", await anonymous.GetStringAsync(new Uri("/healthz", UriKind.Relative), ct));
        Assert.Equal("""{"postgres":"ok","redis":"ok"}""", await anonymous.GetStringAsync(new Uri("/readyz", UriKind.Relative), ct));
    }
}
