using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Protobuf;

/// <summary>How a protobuf field becomes JSON.</summary>
internal enum ProtoType
{
    /// <summary>string.</summary>
    Text,

    /// <summary>bytes, as base64 (how JSON carries []byte).</summary>
    Bytes,

    /// <summary>int32 or int64 varint.</summary>
    Varint,

    /// <summary>bool varint.</summary>
    Flag,

    /// <summary>An embedded message.</summary>
    Message,

    /// <summary>metav1.Time: seconds and nanos, as an RFC 3339 string.</summary>
    Time,
}

/// <summary>One field of a message: its number, JSON name and type; a repeated field is a JSON array, a map a JSON object.</summary>
internal sealed record ProtoField(int Number, string Name, ProtoType Type, ProtoMessage? Message = null, bool Repeated = false, ProtoType? MapValue = null);

/// <summary>
/// A protobuf message definition from the Kubernetes API's generated.proto, enough to turn the bytes a typed client
/// sends into the JSON object this server stores. A field it does not define is an error, so nothing is dropped unseen.
/// </summary>
internal sealed class ProtoMessage(string name)
{
    private readonly Dictionary<int, ProtoField> _fields = [];

    public string Name { get; } = name;

    public ProtoMessage With(params ProtoField[] fields)
    {
        foreach (var field in fields)
        {
            _fields[field.Number] = field;
        }

        return this;
    }

    public JsonObject Decode(ReadOnlySpan<byte> bytes)
    {
        var result = new JsonObject();
        var reader = new ProtoReader(bytes);
        while (reader.Next(out var number, out var wireType))
        {
            if (!_fields.TryGetValue(number, out var field))
            {
                throw new NotSupportedException($"field {number} of {Name} is not supported");
            }

            if (field.MapValue is { } valueType)
            {
                var (key, value) = DecodeEntry(reader.ReadBytes(), valueType);
                (result[field.Name] ??= new JsonObject()).AsObject()[key] = value;
                continue;
            }

            var decoded = DecodeValue(ref reader, field.Type, field.Message);
            if (field.Repeated)
            {
                (result[field.Name] ??= new JsonArray()).AsArray().Add(decoded);
            }
            else if (!IsZero(decoded))
            {
                // Go's protobuf writes every non-pointer scalar, zero or not; JSON omits them (omitempty).
                result[field.Name] = decoded;
            }
        }

        return result;
    }

    private static bool IsZero(JsonNode? value) =>
        value is null || (value is JsonValue scalar && (scalar.TryGetValue<string>(out var text) ? text.Length == 0 : scalar.TryGetValue<long>(out var number) && number == 0));

    private static (string, JsonNode?) DecodeEntry(ReadOnlySpan<byte> bytes, ProtoType valueType)
    {
        var reader = new ProtoReader(bytes);
        var key = string.Empty;
        JsonNode? value = valueType == ProtoType.Text ? string.Empty : null;
        while (reader.Next(out var number, out var wireType))
        {
            switch (number)
            {
                case 1:
                    key = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case 2:
                    value = DecodeValue(ref reader, valueType, null);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return (key, value);
    }

    private static JsonNode? DecodeValue(ref ProtoReader reader, ProtoType type, ProtoMessage? message) => type switch
    {
        ProtoType.Text => Encoding.UTF8.GetString(reader.ReadBytes()),
        ProtoType.Bytes => Convert.ToBase64String(reader.ReadBytes()),
        ProtoType.Varint => (long)reader.ReadVarint(),
        ProtoType.Flag => reader.ReadVarint() != 0,
        ProtoType.Message => message!.Decode(reader.ReadBytes()),
        ProtoType.Time => DecodeTime(reader.ReadBytes()),
        _ => throw new NotSupportedException($"protobuf type {type}"),
    };

    private static string? DecodeTime(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        long seconds = 0;
        while (reader.Next(out var number, out var wireType))
        {
            if (number == 1)
            {
                seconds = (long)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }
}
