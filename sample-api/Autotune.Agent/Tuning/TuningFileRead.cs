using System.Text.Json;
using Autotune.Contracts;

namespace Autotune.Agent.Tuning;

/// <summary>What one look at the tuning file found: a file to apply, or why there is none.</summary>
/// <param name="Content">The raw text (or a marker for a missing file), so an unchanged file is not handled twice.</param>
/// <param name="File">The parsed file, when it can be applied.</param>
/// <param name="RejectReason">A short label for the metric (<c>missing</c>, <c>unreadable</c>, <c>malformed</c>, <c>invalid</c>).</param>
/// <param name="Message">What is wrong, for the log.</param>
internal sealed record TuningFileRead(string Content, TuningFile? File, string? RejectReason, string? Message)
{
    /// <summary>Reason label: the file does not exist (yet).</summary>
    public const string Missing = "missing";

    /// <summary>Reason label: the file exists but could not be read.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>Reason label: not JSON, typically a file caught half-written.</summary>
    public const string Malformed = "malformed";

    /// <summary>Reason label: JSON with values the agent refuses (unknown version, out of range).</summary>
    public const string Invalid = "invalid";

    private const string MissingContent = "\0missing";

    /// <summary>Reads and parses the file at <paramref name="path"/>, following symlinks (a ConfigMap mount).</summary>
    public static TuningFileRead From(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new(MissingContent, null, Missing, $"the tuning file {path} does not exist");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new("\0unreadable:" + ex.GetType().Name, null, Unreadable, $"the tuning file {path} could not be read: {ex.Message}");
        }

        return Parse(text);
    }

    /// <summary>Parses file content.</summary>
    public static TuningFileRead Parse(string text)
    {
        if (TuningFile.TryParse(text, out var file, out var error))
        {
            return new(text, file, null, null);
        }

        return new(text, null, IsJson(text) ? Invalid : Malformed, error);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
