using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SampleApi.Data;
using SampleApi.Tests.Infrastructure;

namespace SampleApi.Tests;

public sealed class UserEndpointTests(SharedServers servers)
{
    [Fact]
    public async Task Seeds_the_table_once_with_binary_copy_and_keeps_the_schema_on_a_second_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 2_500);
        await using (var first = await ApiHost.StartAsync(settings, ct))
        {
            await first.Http.PostAsJsonAsync("/users", new UserInput("Extra", "extra@example.org"), ct);
        }

        await using var second = await ApiHost.StartAsync(settings, ct);
        Assert.Equal(2_501L, await Scalar(settings, "SELECT count(*) FROM users", ct));
    }

    [Fact]
    public async Task Get_returns_a_seeded_user_404_for_a_missing_one_and_400_naming_id_for_a_bad_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct), ct);

        var user = await api.Http.GetFromJsonAsync<User>("/users/7", ct);
        Assert.Equal(new User(7, "User 7", $"user7@{UserSchema.SeedDomain(7)}", 1), user);

        var missing = await api.Http.GetAsync(new Uri("/users/999999", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        foreach (var bad in new[] { "abc", "0", "-3", "99999999999999999999" })
        {
            var response = await api.Http.GetAsync(new Uri($"/users/{bad}", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("id", await ErrorFields(response, ct));
        }
    }

    [Fact]
    public async Task Put_writes_the_row_bumps_its_version_and_the_next_read_serves_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct);
        await using var api = await ApiHost.StartAsync(settings, ct);
        Assert.Equal(1, (await api.Http.GetFromJsonAsync<User>("/users/3", ct))!.Version);

        var put = await api.Http.PutAsJsonAsync("/users/3", new UserInput("Renamed", "renamed@example.org"), ct);

        put.EnsureSuccessStatusCode();
        Assert.Equal(new User(3, "Renamed", "renamed@example.org", 2), await put.Content.ReadFromJsonAsync<User>(ct));
        Assert.Equal("Renamed", await Scalar(settings, "SELECT name FROM users WHERE id = 3", ct));
        Assert.Equal(2, (await api.Http.GetFromJsonAsync<User>("/users/3", ct))!.Version);
    }

    [Fact]
    public async Task Put_rejects_bad_input_naming_the_field_and_answers_404_for_a_missing_user()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct);
        await using var api = await ApiHost.StartAsync(settings, ct);

        Assert.Contains("email", await ErrorFields(await api.Http.PutAsJsonAsync("/users/3", new UserInput("Ok", "no-at-sign"), ct), ct));
        Assert.Contains("name", await ErrorFields(await api.Http.PutAsJsonAsync("/users/3", new UserInput("", "a@b.example"), ct), ct));
        Assert.Contains("name", await ErrorFields(await Send(api, HttpMethod.Put, "/users/3", """{"name": 12, "email": "a@b.example"}""", ct), ct));
        Assert.Contains("body", await ErrorFields(await Send(api, HttpMethod.Put, "/users/3", "{not json", ct), ct));
        Assert.Contains("id", await ErrorFields(await api.Http.PutAsJsonAsync("/users/x", new UserInput("Ok", "a@b.example"), ct), ct));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.PutAsJsonAsync("/users/424242", new UserInput("Ok", "a@b.example"), ct)).StatusCode);
        Assert.Equal(1L, await Scalar(settings, "SELECT version FROM users WHERE id = 3", ct));
    }

    [Fact]
    public async Task Post_creates_a_validated_user_and_refuses_a_duplicate_email_with_409()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct);
        await using var api = await ApiHost.StartAsync(settings, ct);

        var created = await api.Http.PostAsJsonAsync("/users", new UserInput("  New  ", "new@example.org"), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<User>(ct);
        Assert.Equal("New", user!.Name);
        Assert.Equal($"/users/{user.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(user, await api.Http.GetFromJsonAsync<User>($"/users/{user.Id}", ct));

        var duplicate = await api.Http.PostAsJsonAsync("/users", new UserInput("Other", "new@example.org"), ct);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("email", await ErrorFields(duplicate, ct));

        Assert.Contains("email", await ErrorFields(await api.Http.PostAsJsonAsync("/users", new UserInput("X", null), ct), ct));
        Assert.Contains("name", await ErrorFields(await api.Http.PostAsJsonAsync("/users", new UserInput(new string('n', 101), "x@y.example"), ct), ct));
        Assert.Contains("body", await ErrorFields(await Send(api, HttpMethod.Post, "/users", "[1,2", ct), ct));
        Assert.Equal(1_001L, await Scalar(settings, "SELECT count(*) FROM users", ct));
    }

    internal static async Task<HttpResponseMessage> Send(ApiHost api, HttpMethod method, string path, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        return await api.Http.SendAsync(request, ct);
    }

    /// <summary>The field names of a 4xx ProblemDetails' <c>errors</c>.</summary>
    internal static async Task<IReadOnlyList<string>> ErrorFields(HttpResponseMessage response, CancellationToken ct)
    {
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx, got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return [.. json.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name)];
    }

    internal static async Task<object?> Scalar(IReadOnlyDictionary<string, string?> settings, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Postgres"]);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct);
    }
}
