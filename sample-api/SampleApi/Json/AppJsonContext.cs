using System.Text.Json;
using System.Text.Json.Serialization;
using SampleApi.Data;
using SampleApi.Endpoints;

namespace SampleApi.Json;

/// <summary>Source-generated JSON for every type the API reads or writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(UserInput))]
[JsonSerializable(typeof(UserPage))]
[JsonSerializable(typeof(DomainCount))]
[JsonSerializable(typeof(IReadOnlyList<DomainCount>))]
[JsonSerializable(typeof(BatchResult))]
[JsonSerializable(typeof(Readiness))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
