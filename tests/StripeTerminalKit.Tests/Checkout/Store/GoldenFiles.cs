using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeTerminalKit.Tests.Checkout.Store;

/// <summary>
/// Golden files of stored checkout documents, copied beside the test assembly. Set
/// <c>STK_UPDATE_GOLDEN</c> to the test project's folder to write them anew (then review the diff:
/// a change there is a change of the stored format, which needs a new document version).
/// </summary>
internal static class GoldenFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Folder(string version) => Path.Combine(AppContext.BaseDirectory, "Checkout", "Store", "Golden", version);

    public static IEnumerable<string> Names(string version) =>
        Directory.EnumerateFiles(Folder(version), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static string Read(string version, string name) => File.ReadAllText(Path.Combine(Folder(version), name + ".json"));

    /// <summary>The document as a golden file shows it: indented, one field a line.</summary>
    public static string Pretty(string json) => JsonNode.Parse(json)!.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    /// <summary>Writes the file into the source tree when updating; returns whether it did.</summary>
    public static bool Update(string version, string name, string json)
    {
        var root = Environment.GetEnvironmentVariable("STK_UPDATE_GOLDEN");
        if (string.IsNullOrEmpty(root))
        {
            return false;
        }

        var folder = Path.Combine(root, "Checkout", "Store", "Golden", version);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".json"), Pretty(json));
        return true;
    }
}
