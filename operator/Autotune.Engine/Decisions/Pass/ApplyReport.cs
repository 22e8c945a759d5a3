namespace Autotune.Engine.Decisions.Pass;

/// <summary>What a host's carrying out of an <see cref="ApplyOrder"/> did, as facts for the pass to judge.</summary>
public sealed record ApplyReport
{
    /// <summary>Nothing was ordered, nothing was done.</summary>
    public static ApplyReport Nothing { get; } = new();

    /// <summary>The order was carried out.</summary>
    public static ApplyReport Done { get; } = new() { Applied = true };

    /// <summary>True when the world changed.</summary>
    public bool Applied { get; init; }

    /// <summary>Why the order could not be carried out (safe text), or null.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// How many orders of an <see cref="ApplyOrder.InTurn"/> were carried out before the one that failed (null: not
    /// told). A tuning file among them was delivered: the pods take it whatever failed after it.
    /// </summary>
    public int? Carried { get; init; }

    /// <summary>What a max_connections order found, when it ran.</summary>
    public MaxConnectionsResult? MaxConnections { get; init; }

    /// <summary>The order failed.</summary>
    public static ApplyReport Failed(string error) => new() { Error = error };
}

/// <summary>Where a max_connections change stands after ALTER SYSTEM (and a restart, if one was allowed).</summary>
/// <param name="Server">host:port.</param>
/// <param name="Running">max_connections SHOW read after ALTER SYSTEM, before any restart.</param>
/// <param name="To">The value set.</param>
/// <param name="Restarted">True when the server was restarted.</param>
/// <param name="ReadBack">What SHOW reads now (after the restart, if any).</param>
public sealed record MaxConnectionsResult(string Server, int Running, int To, bool Restarted, int ReadBack);
