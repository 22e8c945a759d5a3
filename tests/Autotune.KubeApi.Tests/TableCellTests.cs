using System.Text.Json.Nodes;
using Autotune.KubeApi.Tables;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class TableCellTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(192, "3m12s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 5 * 60, "3h5m")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(4 * 86400 + 3 * 3600, "4d3h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(3 * 365 * 86400 + 10 * 86400, "3y10d")]
    public void Ages_read_as_kubectl_prints_them(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Printer_column_paths_select_fields_items_and_filtered_items()
    {
        var obj = JsonNode.Parse("""
            {"metadata":{"labels":{"app.kubernetes.io/name":"orders"}},
             "spec":{"containers":[{"name":"api","image":"a:1"},{"name":"proxy","image":"p:1"}]},
             "status":{"conditions":[{"type":"Tuning","status":"False"},{"type":"Ready","status":"True"}]}}
            """)!;

        Assert.Equal("p:1", (string?)SimpleJsonPath.Find(obj, ".spec.containers[1].image").Single());
        Assert.Equal("p:1", (string?)SimpleJsonPath.Find(obj, ".spec.containers[-1].image").Single());
        Assert.Equal(["api", "proxy"], SimpleJsonPath.Find(obj, ".spec.containers[*].name").Select(n => (string?)n));
        Assert.Equal("True", (string?)SimpleJsonPath.Find(obj, """.status.conditions[?(@.type=="Ready")].status""").Single());
        Assert.Equal("orders", (string?)SimpleJsonPath.Find(obj, ".metadata.labels['app.kubernetes.io/name']").Single());
        Assert.Empty(SimpleJsonPath.Find(obj, ".status.bottleneck"));
    }

    [Fact]
    public void Printer_columns_type_their_cells_and_leave_missing_ones_empty()
    {
        var columns = PrinterColumns.Of(JsonNode.Parse("""
            [{"name":"P99","type":"number","jsonPath":".status.p99"},
             {"name":"Pool","type":"integer","jsonPath":".status.pool"},
             {"name":"Target","type":"string","jsonPath":".spec.target"},
             {"name":"Paused","type":"boolean","jsonPath":".spec.paused"},
             {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]
            """)!.AsArray());
        var obj = JsonNode.Parse("""{"metadata":{"name":"orders","creationTimestamp":"2026-01-01T00:00:00Z"},"spec":{"target":{"name":"x"},"paused":true},"status":{"p99":183.5}}""")!.AsObject();
        var now = DateTimeOffset.Parse("2026-01-01T00:03:12Z", System.Globalization.CultureInfo.InvariantCulture);

        var cells = columns.Select(c => c.Cell(obj, now)).ToList();

        Assert.Equal("orders", (string?)cells[0]);
        Assert.Equal(183.5, (double?)cells[1]);
        Assert.Null(cells[2]); // integer column, field missing: an empty cell
        Assert.Equal("{\"name\":\"x\"}", (string?)cells[3]); // a string column shows an object as its JSON text
        Assert.True((bool?)cells[4]);
        Assert.Equal("3m12s", (string?)cells[5]);
    }
}
