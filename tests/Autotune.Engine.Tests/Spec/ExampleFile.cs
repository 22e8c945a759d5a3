namespace Autotune.Engine.Tests.Spec;

/// <summary>An example document and, for the invalid ones, who must reject it and which field they must name.</summary>
/// <param name="Path">The file.</param>
/// <param name="RejectedBy">"schema" (the openAPIV3Schema refuses it), "cel" (only a CEL rule does), or null when valid.</param>
/// <param name="Field">The field the rejection must name.</param>
internal sealed record ExampleFile(string Path, string? RejectedBy, string? Field)
{
    public string Name => System.IO.Path.GetFileName(Path);

    public string Text => File.ReadAllText(Path);

    public static ExampleFile Read(string path)
    {
        var header = File.ReadLines(path).TakeWhile(l => l.StartsWith('#')).ToList();
        return new ExampleFile(path, Value(header, "rejected-by"), Value(header, "field"));
    }

    public override string ToString() => Name;

    private static string? Value(List<string> header, string key) =>
        header.Select(l => l.TrimStart('#', ' '))
            .Where(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Select(l => l[(key.Length + 1)..].Trim())
            .FirstOrDefault();
}
