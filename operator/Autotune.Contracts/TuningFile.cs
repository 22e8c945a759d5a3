using System.Text.Json;
using System.Text.Json.Serialization;

namespace Autotune.Contracts;

/// <summary>
/// The settings the operator asks every process of one API to run with: the file the agent reads
/// (a key of the tuning ConfigMap in a cluster, a plain file in local mode).
/// </summary>
/// <param name="Generation">Increases with every change; the agent reports the generation it applied.</param>
/// <param name="ThreadPoolMinThreads">Minimum worker threads, or null to leave the runtime's default.</param>
/// <param name="DbMaxPoolSize">Npgsql <c>Maximum Pool Size</c> per process, or null to leave the connection string's.</param>
/// <param name="SchemaVersion">
/// The format version; a reader refuses a file written for a version it does not know. A file without one is of the
/// current version (a parameter's default, which the generated JSON reader also gives to a missing property).
/// </param>
/// <param name="ShedAfterMilliseconds">
/// Shedding deadline: with the agent's shedding middleware in the app, a request that waited longer than this before
/// the app got to it is answered 503 at once. Null leaves the process's own (<c>AUTOTUNE_SHED_AFTER_MS</c>, else off).
/// </param>
public sealed record TuningFile(
    long Generation,
    int? ThreadPoolMinThreads,
    int? DbMaxPoolSize,
    int SchemaVersion = TuningFile.CurrentSchemaVersion,
    int? ShedAfterMilliseconds = null)
{
    /// <summary>The format version this library writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Largest minimum-thread count the file may ask for; the runtime caps worker threads at 32,767.</summary>
    public const int MaxThreadPoolMinThreads = 32_767;

    /// <summary>Largest pool size the file may ask for; PostgreSQL cannot accept more connections than this anyway.</summary>
    public const int MaxDbPoolSize = 262_143;

    /// <summary>Longest shedding deadline the file may ask for: an hour (past that, nobody is waiting).</summary>
    public const int MaxShedAfterMilliseconds = 3_600_000;

    /// <summary>Serialises the file in its canonical JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TuningFileJson.Default.TuningFile);

    /// <summary>
    /// Parses a tuning file. Returns false with a reason naming what is wrong for a file that is empty,
    /// half-written, of an unknown version or out of range; the caller keeps its last good settings.
    /// </summary>
    public static bool TryParse(string text, out TuningFile? file, out string? error)
    {
        file = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the tuning file is empty";
            return false;
        }

        TuningFile? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(text, TuningFileJson.Default.TuningFile);
        }
        catch (JsonException ex)
        {
            error = $"the tuning file is not valid JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: {ex.Message}";
            return false;
        }

        if (parsed is null)
        {
            error = "the tuning file holds null";
            return false;
        }

        error = parsed.Validate();
        if (error is not null)
        {
            return false;
        }

        file = parsed;
        return true;
    }

    /// <summary>Returns the first problem with the values, or null when the file can be applied.</summary>
    public string? Validate()
    {
        if (SchemaVersion != CurrentSchemaVersion)
        {
            return $"schemaVersion {SchemaVersion} is not supported (this agent reads version {CurrentSchemaVersion})";
        }

        if (Generation < 1)
        {
            return $"generation must be 1 or more, was {Generation}";
        }

        if (ThreadPoolMinThreads is { } threads && (threads < 1 || threads > MaxThreadPoolMinThreads))
        {
            return $"threadPoolMinThreads must be between 1 and {MaxThreadPoolMinThreads}, was {threads}";
        }

        if (DbMaxPoolSize is { } pool && (pool < 1 || pool > MaxDbPoolSize))
        {
            return $"dbMaxPoolSize must be between 1 and {MaxDbPoolSize}, was {pool}";
        }

        if (ShedAfterMilliseconds is { } shedAfter && (shedAfter < 1 || shedAfter > MaxShedAfterMilliseconds))
        {
            return $"shedAfterMilliseconds must be between 1 and {MaxShedAfterMilliseconds}, was {shedAfter}";
        }

        return null;
    }
}

/// <summary>
/// The tuning file's JSON form, generated at compile time: no reflection, so the agent also works in trimmed and
/// Native AOT apps.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TuningFile))]
internal sealed partial class TuningFileJson : JsonSerializerContext;
