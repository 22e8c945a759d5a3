using Autotune.Contracts;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Local;

/// <summary>
/// Local mode's settings applier: writes the tuning file the agents poll, atomically (a temporary file renamed
/// over the old one), so an agent never reads a half-written file.
/// </summary>
public sealed class TuningFileApplier(string path) : ISettingsApplier
{
    /// <inheritdoc />
    public async Task<TuningFile?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken);
        return TuningFile.TryParse(text, out var file, out _) ? file : null;
    }

    /// <inheritdoc />
    public async Task ApplyAsync(TuningFile file, CancellationToken cancellationToken)
    {
        var error = file.Validate();
        if (error is not null)
        {
            throw new ArgumentException($"refusing to write an invalid tuning file: {error}", nameof(file));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(temporary, file.ToJson(), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
