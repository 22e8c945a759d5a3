using System.Runtime.CompilerServices;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>Reads recorded inputs from Fixtures/ next to this source file (no project-file change needed).</summary>
internal static class Fixture
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory(), "Fixtures", name));

    private static string Directory([CallerFilePath] string source = "") =>
        Path.GetDirectoryName(source) ?? throw new InvalidOperationException("no source path");
}
