using System.Collections.Concurrent;

namespace Autotune.KubeApi.Observation;

/// <summary>Every request the server answered, in order of completion, for assertions (how many LISTs, which PATCHes).</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RequestRecord> _records = new();

    /// <summary>A snapshot of the records.</summary>
    public IReadOnlyList<RequestRecord> Records => [.. _records];

    /// <summary>How many requests had the verb (get, list, watch, create, update, patch, delete) and a path containing <paramref name="pathContains"/>.</summary>
    public int Count(string verb, string? pathContains = null) =>
        _records.Count(r => r.Verb == verb && (pathContains is null || r.Path.Contains(pathContains, StringComparison.Ordinal)));

    /// <summary>The records of the requests made as <paramref name="user"/>.</summary>
    public IReadOnlyList<RequestRecord> By(string user) => [.. _records.Where(r => r.User == user)];

    /// <summary>Forgets the records so far.</summary>
    public void Clear() => _records.Clear();

    internal void Add(RequestRecord record) => _records.Enqueue(record);

    /// <summary>The Kubernetes verb of a request, as the API server's audit log names it.</summary>
    internal static string VerbOf(string method, string path, bool watch)
    {
        var target = Http.RequestTarget.Parse(path);
        return method switch
        {
            "GET" when target is null => "discovery",
            "GET" when watch => "watch",
            "GET" when target!.Name is null => "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when target?.Name is null => "deletecollection",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
    }
}
