using Autotune.Contracts;
using Autotune.Engine.Metrics.Prometheus;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

public sealed class PromResponseReaderTests
{
    [Fact]
    public void Reads_a_vector_with_its_labels_and_values()
    {
        var result = PromResponseReader.Read(Fixture.Read("prometheus/query-le-count.json"));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(PromResultType.Vector, result.ResultType);
        var errors = result.Series.Single(s => s.Series.Get("http_response_status_code") == "503");
        var point = Assert.Single(errors.Points);
        Assert.Equal(38, point.Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795752060), point.Time);
        Assert.Equal(PromResponseReader.UnnamedSeries, errors.Series.Name);
    }

    [Fact]
    public void Reads_a_matrix_with_names_and_every_step()
    {
        var result = PromResponseReader.Read(Fixture.Read("prometheus/query_range-raw.json"));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(PromResultType.Matrix, result.ResultType);
        var queue = result.Series.Single(s => s.Series.Name == MetricNames.ThreadPoolQueueLength.Prometheus && s.Series.Get("pod") == "orders-api-b");
        Assert.Equal([1.0, 0, 2, 1, 0, 1, 0], queue.Points.Select(p => p.Value));
        Assert.Equal(TimeSpan.FromSeconds(10), queue.Points[1].Time - queue.Points[0].Time);
        Assert.Contains(result.Series, s => s.Series.Name == "http_server_request_duration_seconds_bucket" && s.Series.Get("le") == "+Inf");
    }

    [Fact]
    public void Reports_the_error_prometheus_returned()
    {
        var result = PromResponseReader.Read(Fixture.Read("prometheus/query-error.json"));

        Assert.False(result.Succeeded);
        Assert.StartsWith("bad_data: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("unclosed left parenthesis", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Series);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"tensor","result":[]}}""")]
    [InlineData("""{"status":"success"}""")]
    public void A_malformed_body_is_a_failed_result_not_an_exception(string body)
    {
        var result = PromResponseReader.Read(body);

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Reads_scalars_special_values_and_warnings()
    {
        const string body = """
            {"status":"success","warnings":["PromQL info: metric might not be a counter"],
             "data":{"resultType":"scalar","result":[1795752060.5,"+Inf"]}}
            """;

        var result = PromResponseReader.Read(body);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(PromResultType.Scalar, result.ResultType);
        var point = Assert.Single(Assert.Single(result.Series).Points);
        Assert.Equal(double.PositiveInfinity, point.Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795752060500), point.Time);
        Assert.Single(result.Warnings);
    }
}
