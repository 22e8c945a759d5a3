namespace Autotune.Testing;

/// <summary>Finds the server programs installed from Debian's packages.</summary>
public static class Binaries
{
    /// <summary>Full path of a PostgreSQL server program (initdb, pg_ctl, postgres), from the newest installed major version.</summary>
    public static string Postgres(string program)
    {
        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            foreach (var version in Directory.GetDirectories(root).OrderByDescending(v => int.TryParse(Path.GetFileName(v), out var n) ? n : 0))
            {
                var candidate = Path.Combine(version, "bin", program);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return OnPath(program) ?? throw new InvalidOperationException(
            $"{program} was not found under {root} or on PATH; run scripts/setup.sh to install PostgreSQL");
    }

    /// <summary>Full path of a program on PATH, or null.</summary>
    public static string? OnPath(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Full path of a program on PATH, or an error that says how to install it.</summary>
    public static string Require(string program, string package) =>
        OnPath(program) ?? throw new InvalidOperationException(
            $"{program} was not found on PATH; run scripts/setup.sh (installs the Debian package {package})");
}
