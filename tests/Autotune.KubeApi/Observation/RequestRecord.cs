namespace Autotune.KubeApi.Observation;

/// <summary>One request the server answered: method, path, query, the Kubernetes verb it was, status and timing.</summary>
public sealed record RequestRecord(string Method, string Path, string Query, string Verb, int Status, DateTimeOffset Time, TimeSpan Duration);
