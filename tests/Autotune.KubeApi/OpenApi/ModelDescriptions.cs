using System.Text.RegularExpressions;
using System.Xml;

namespace Autotune.KubeApi.OpenApi;

/// <summary>
/// The field and type descriptions of KubernetesClient's models, read from the package's XML documentation (generated
/// from the Kubernetes OpenAPI spec, so they are the API's own words). Empty when the XML file is not beside the
/// assembly: schemas still serve, without descriptions.
/// </summary>
internal static partial class ModelDescriptions
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Members = new(Load);

    /// <summary>The description of a model type (<c>T:k8s.Models.V1Pod</c>) or property (<c>P:k8s.Models.V1Pod.Spec</c>), or null.</summary>
    public static string? Of(string member) => Members.Value.GetValueOrDefault(member);

    private static Dictionary<string, string> Load()
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.ChangeExtension(typeof(k8s.Models.V1Pod).Assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            return members;
        }

        using var reader = XmlReader.Create(path, new XmlReaderSettings { IgnoreComments = true, DtdProcessing = DtdProcessing.Prohibit });
        string? member = null;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Name == "member")
            {
                var name = reader.GetAttribute("name");
                member = name is not null && (name.StartsWith("T:k8s.Models.", StringComparison.Ordinal) || name.StartsWith("P:k8s.Models.", StringComparison.Ordinal)) ? name : null;
            }
            else if (reader.Name == "summary" && member is not null)
            {
                members[member] = Whitespace().Replace(reader.ReadElementContentAsString(), " ").Trim();
                member = null;
            }
        }

        return members;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
