using System.Text.Json.Serialization;

namespace Autotune.EfBench;

/// <summary>Source-generated JSON for the endpoints' answer.</summary>
[JsonSerializable(typeof(User))]
internal sealed partial class BenchJson : JsonSerializerContext;
