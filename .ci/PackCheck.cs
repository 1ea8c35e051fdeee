// Validates the packed packages (called by .ci/pack-check): `dotnet run --file .ci/PackCheck.cs -- <folder> <version>`.
// Each library package must carry its README, icon, XML docs, release notes, repository commit, a
// .snupkg whose PDB has SourceLink, deterministic paths and embedded untracked sources, a receipt that
// package validation ran, an assembly marked trimmable, and the right dependencies. Prints the package table.
#:property TreatWarningsAsErrors=false
#:property AnalysisLevel=none
#:property ManagePackageVersionsCentrally=false
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Xml.Linq;

var folder = args[0];
var version = args[1];
var failures = new List<string>();
var rows = new List<string>();
string[] libraries = ["StripeTerminalKit", "StripeTerminalKit.Emulator", "StripeTerminalKit.AspNetCore", "StripeTerminalKit.Storage.Sqlite", "StripeTerminalKit.Storage.PostgreSql"];
string[] all = [.. libraries, "StripeTerminalKit.Emulator.Server"];

foreach (var id in all)
{
    var nupkg = Path.Combine(folder, $"{id}.{version}.nupkg");
    if (!File.Exists(nupkg))
    {
        failures.Add($"{id}: {Path.GetFileName(nupkg)} was not packed");
        continue;
    }

    using var zip = ZipFile.OpenRead(nupkg);
    var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
    XDocument nuspec;
    using (var stream = nuspecEntry.Open())
    {
        nuspec = XDocument.Load(stream);
    }

    XNamespace ns = nuspec.Root!.Name.Namespace;
    var metadata = nuspec.Root.Element(ns + "metadata")!;
    string? Meta(string name) => metadata.Element(ns + name)?.Value;
    void Require(bool condition, string what)
    {
        if (!condition)
        {
            failures.Add($"{id}: {what}");
        }
    }

    var library = libraries.Contains(id);
    Require(Meta("readme") == "README.md" && entries.Contains("README.md"), "README.md is not the package readme");
    Require(Meta("icon") == "icon.png" && entries.Contains("icon.png"), "icon.png missing");
    Require(!string.IsNullOrWhiteSpace(Meta("releaseNotes")), "no release notes");
    Require(!string.IsNullOrEmpty(metadata.Element(ns + "repository")?.Attribute("commit")?.Value), "no repository commit (SourceLink/deterministic metadata)");
    Require(Meta("license") == "MIT", "licence is not MIT");
    var readme = ReadText(zip, "README.md");
    var install = libraries.Contains(id) ? $"dotnet add package {id}" : $"dotnet tool install";
    Require(readme.Contains(install, StringComparison.Ordinal), $"README has no '{install}' line");
    Require(!System.Text.RegularExpressions.Regex.IsMatch(readme, @"\]\((?!https?://|#)"), "README has a relative link");

    var dependencies = metadata.Descendants(ns + "dependency")
        .Select(d => $"{d.Attribute("id")!.Value} {d.Attribute("version")!.Value}")
        .Distinct()
        .ToList();
    if (id == "StripeTerminalKit")
    {
        Require(!dependencies.Any(d => d.StartsWith("StripeTerminalKit.Emulator", StringComparison.Ordinal)), "depends on the emulator");
    }

    if (library)
    {
        Require(entries.Contains($"lib/net10.0/{id}.dll"), "no lib/net10.0 assembly");
        Require(entries.Contains($"lib/net10.0/{id}.xml"), "no XML documentation");
        Require(dependencies.Any(d => d.StartsWith("Stripe.net ", StringComparison.Ordinal) || d.StartsWith("StripeTerminalKit ", StringComparison.Ordinal)), "no Stripe.net or kit dependency");
        foreach (var stripe in dependencies.Where(d => d.StartsWith("Stripe.net ", StringComparison.Ordinal)))
        {
            Require(stripe == "Stripe.net [53.1.0, 54.0.0)", $"Stripe.net range is {stripe}, not [53.1.0, 54.0.0)");
        }
    }

    var symbols = "none";
    var snupkg = Path.ChangeExtension(nupkg, ".snupkg");
    if (File.Exists(snupkg))
    {
        using var sym = ZipFile.OpenRead(snupkg);
        var pdb = sym.Entries.FirstOrDefault(e => e.FullName.EndsWith($"/{id}.pdb", StringComparison.Ordinal));
        if (pdb is not null)
        {
            var bytes = ReadBytes(pdb);
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            var sourceLink = text.Contains("https://raw.githubusercontent.com/stripeterminalkit/stripeterminalkit/", StringComparison.Ordinal);
            var (documents, deterministic, embedded) = ReadPdb(bytes);
            symbols = ".snupkg" + (sourceLink ? " + SourceLink" : "") + (embedded > 0 ? $" + {embedded} embedded" : "");
            Require(sourceLink, "the PDB has no SourceLink map");
            Require(deterministic == documents, $"{documents - deterministic} of {documents} PDB paths are not deterministic (/_/…)");
            Require(embedded > 0, "the PDB embeds no untracked source (EmbedUntrackedSources)");
        }
    }

    // IsTrimmable (implied by IsAotCompatible) puts [assembly: AssemblyMetadata("IsTrimmable", "True")] in the DLL.
    var trimmable = "-";
    if (library && zip.GetEntry($"lib/net10.0/{id}.dll") is { } dll)
    {
        var marker = "\u000bIsTrimmable\u0004True"u8.ToArray();
        trimmable = ReadBytes(dll).AsSpan().IndexOf(marker) >= 0 ? "IsAotCompatible" : "no";
        Require(trimmable != "no", "the assembly is not marked trimmable (IsAotCompatible)");
    }

    var validated = File.Exists(Path.Combine(folder, $"{id}.{version}.validated"));
    Require(!library || validated, "no package validation receipt: EnablePackageValidation did not run");
    Require(!library || symbols != "none", "no .snupkg with a PDB");
    var apiFile = File.Exists(Path.Combine("src", id, "PublicApi.approved.txt")) ? $"src/{id}/PublicApi.approved.txt" : "(tool: none)";
    Require(!library || apiFile.EndsWith(".txt", StringComparison.Ordinal), "no approved public API file");
    rows.Add($"| {id} | {(dependencies.Count == 0 ? "(none)" : string.Join(", ", dependencies.Where(d => !d.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) && !d.StartsWith("Polly", StringComparison.Ordinal)).DefaultIfEmpty("(framework only)")))}{(dependencies.Any(d => d.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) || d.StartsWith("Polly", StringComparison.Ordinal)) ? " + Microsoft.Extensions.*/Polly" : "")} | {symbols} | {apiFile} | {(library ? (validated ? "EnablePackageValidation passed" : "NOT validated") : "tool package")} | {trimmable} |");
}

Console.WriteLine("| package | dependencies | symbols | API file | validation | trimming |");
Console.WriteLine("|---|---|---|---|---|---|");
rows.ForEach(Console.WriteLine);
foreach (var failure in failures)
{
    Console.Error.WriteLine("pack-check: " + failure);
}

return failures.Count == 0 ? 0 : 1;

static string ReadText(ZipArchive zip, string name)
{
    var entry = zip.GetEntry(name);
    if (entry is null)
    {
        return "";
    }

    using var reader = new StreamReader(entry.Open());
    return reader.ReadToEnd();
}

static byte[] ReadBytes(ZipArchiveEntry entry)
{
    using var memory = new MemoryStream();
    using (var stream = entry.Open())
    {
        stream.CopyTo(memory);
    }

    return memory.ToArray();
}

// Documents in the portable PDB: how many, how many under the deterministic root /_/, how many embedded.
static (int Documents, int Deterministic, int Embedded) ReadPdb(byte[] bytes)
{
    var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
    using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(bytes));
    var reader = provider.GetMetadataReader();
    int documents = 0, deterministic = 0;
    foreach (var handle in reader.Documents)
    {
        documents++;
        if (reader.GetString(reader.GetDocument(handle).Name).StartsWith("/_/", StringComparison.Ordinal))
        {
            deterministic++;
        }
    }

    var embedded = reader.CustomDebugInformation
        .Select(reader.GetCustomDebugInformation)
        .Count(info => info.Parent.Kind == HandleKind.Document && reader.GetGuid(info.Kind) == embeddedSource);
    return (documents, deterministic, embedded);
}
