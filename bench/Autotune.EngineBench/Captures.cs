namespace Autotune.EngineBench;

/// <summary>The recorded /metrics captures (bench/engine/captures), in the order they were scraped.</summary>
internal static class Captures
{
    public static string[] Load()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "captures"), "sample-api-*.prom").Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? [.. files.Select(File.ReadAllText)] : throw new FileNotFoundException("no captures next to the benchmark (bench/engine/captures/sample-api-*.prom)");
    }
}
