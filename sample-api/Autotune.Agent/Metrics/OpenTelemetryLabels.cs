namespace Autotune.Agent.Metrics;

/// <summary>Attribute names as the instruments record them; the exporter turns dots into underscores (see <c>MetricLabels</c>).</summary>
internal static class OpenTelemetryLabels
{
    /// <summary>SQLSTATE of a failed open; exported as <c>db_response_status_code</c>.</summary>
    public const string SqlState = "db.response.status_code";

    /// <summary>CPU mode of the machine's CPU time; exported as <c>cpu_mode</c>.</summary>
    public const string CpuMode = "cpu.mode";
}
