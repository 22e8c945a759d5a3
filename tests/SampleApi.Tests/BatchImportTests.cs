using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using SampleApi.Data;
using SampleApi.Tests.Infrastructure;
using static SampleApi.Tests.UserEndpointTests;

namespace SampleApi.Tests;

public sealed class BatchImportTests(SharedServers servers)
{
    [Fact]
    public async Task A_batch_larger_than_the_ordinary_body_limit_is_copied_in_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10);
        await using var api = await ApiHost.StartAsync(settings, ct);
        var body = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            body.Append("{\"name\":\"Batch ").Append(i).Append("\",\"email\":\"b").Append(i).Append("@batch.example\"}\n");
        }

        Assert.True(body.Length > 64 * 1024);
        var response = await api.Http.PostAsync(new Uri("/users/batch", UriKind.Relative), new StringContent(body.ToString()), ct);

        response.EnsureSuccessStatusCode();
        Assert.Equal(5_000, (await response.Content.ReadFromJsonAsync<BatchResult>(ct))!.Inserted);
        Assert.Equal(5_000L, await Scalar(settings, "SELECT count(*) FROM users WHERE email LIKE '%@batch.example'", ct));
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"email\":\"bad\"}", "row 3")]
    [InlineData("{\"name\":\"x\",", "row 3")]
    [InlineData("{\"name\":\"\",\"email\":\"e@x.example\"}", "row 3")]
    public async Task A_malformed_row_rejects_the_whole_batch_naming_its_row(string badRow, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        await using var api = await ApiHost.StartAsync(settings, ct);
        var body = "{\"name\":\"a\",\"email\":\"a@ok.example\"}\n\n" + badRow + "\n{\"name\":\"b\",\"email\":\"b@ok.example\"}\n";

        var response = await api.Http.PostAsync(new Uri("/users/batch", UriKind.Relative), new StringContent(body), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], await ErrorFields(response, ct));
        Assert.Equal(10L, await Scalar(settings, "SELECT count(*) FROM users", ct));
    }

    [Fact]
    public async Task An_empty_batch_or_an_endless_line_is_400_and_inserts_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        await using var api = await ApiHost.StartAsync(settings, ct);
        var batch = new Uri("/users/batch", UriKind.Relative);

        Assert.Equal(["body"], await ErrorFields(await api.Http.PostAsync(batch, new StringContent("\n  \n"), ct), ct));
        var endless = "{\"name\":\"" + new string('n', 10_000) + "\",\"email\":\"e@x.example\"}";
        Assert.Equal(["row 2"], await ErrorFields(await api.Http.PostAsync(batch, new StringContent("{\"name\":\"a\",\"email\":\"a@ok.example\"}\n" + endless), ct), ct));
        Assert.Equal(10L, await Scalar(settings, "SELECT count(*) FROM users", ct));
    }

    [Fact]
    public async Task A_duplicate_email_in_a_batch_inserts_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        await using var api = await ApiHost.StartAsync(settings, ct);
        var body = "{\"name\":\"a\",\"email\":\"same@ok.example\"}\n{\"name\":\"b\",\"email\":\"same@ok.example\"}";

        var response = await api.Http.PostAsync(new Uri("/users/batch", UriKind.Relative), new StringContent(body), ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(10L, await Scalar(settings, "SELECT count(*) FROM users", ct));
    }

    [Fact]
    public async Task The_body_is_streamed_into_copy_while_it_is_still_being_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        await using var api = await ApiHost.StartAsync(settings, ct);
        var copyRunning = async () =>
        {
            await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Postgres"]);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY users%' AND state = 'active' AND datname = current_database()", connection);
            return (long)(await command.ExecuteScalarAsync(ct))! > 0;
        };

        // The second half is only sent once the server runs the COPY: an API that buffered the body first never would.
        var content = new HalvesContent(
            Rows(0, 2_000),
            () => Eventually.TrueAsync(copyRunning, TimeSpan.FromSeconds(20), "the COPY runs before the body ended", ct),
            Rows(2_000, 4_000));
        var response = await api.Http.PostAsync(new Uri("/users/batch", UriKind.Relative), content, ct);

        response.EnsureSuccessStatusCode();
        Assert.Equal(4_000L, await Scalar(settings, "SELECT count(*) FROM users WHERE email LIKE '%@stream.example'", ct));
    }

    private static byte[] Rows(int from, int to)
    {
        var text = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            text.Append("{\"name\":\"S\",\"email\":\"s").Append(i).Append("@stream.example\"}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Sends the first half, waits for a condition, then sends the second half (chunked, no length).</summary>
    private sealed class HalvesContent(byte[] first, Func<Task> between, byte[] second) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            await between();
            await stream.WriteAsync(second);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
