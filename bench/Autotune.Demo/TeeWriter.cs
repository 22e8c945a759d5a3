using System.Text;

namespace Autotune.Demo;

/// <summary>Writes everything to the console and to a log file in the results folder.</summary>
public sealed class TeeWriter(TextWriter console, TextWriter file) : TextWriter
{
    /// <inheritdoc />
    public override Encoding Encoding => console.Encoding;

    /// <inheritdoc />
    public override void Write(char value)
    {
        console.Write(value);
        file.Write(value);
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        console.Write(value);
        file.Write(value);
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        console.WriteLine(value);
        file.WriteLine(value);
        file.Flush();
    }

    /// <inheritdoc />
    public override void Flush()
    {
        console.Flush();
        file.Flush();
    }
}
