using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using PublicApiGenerator;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.AspNetCore.Tests;

/// <summary>
/// Each library package's public API, as PublicApiGenerator prints it, must equal the approved
/// file beside the project (<c>src/{package}/PublicApi.approved.txt</c>), so every change to the
/// surface shows in the diff of a pull request. When the change is intended, copy the
/// <c>.received.txt</c> written beside it over the approved file, or run the tests once with
/// <c>STK_APPROVE_API=1</c>. (It lives here because this project references all three libraries.)
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => ["StripeTerminalKit", "StripeTerminalKit.Emulator", "StripeTerminalKit.AspNetCore", "StripeTerminalKit.Storage.Sqlite", "StripeTerminalKit.Storage.PostgreSql"];

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_API_is_the_approved_one(string package)
    {
        var assembly = package switch
        {
            "StripeTerminalKit" => typeof(ITerminalPayments).Assembly,
            "StripeTerminalKit.Emulator" => typeof(StripeEmulator).Assembly,
            "StripeTerminalKit.Storage.Sqlite" => typeof(SqliteCheckoutStoreServiceCollectionExtensions).Assembly,
            "StripeTerminalKit.Storage.PostgreSql" => typeof(PostgreSqlCheckoutStoreServiceCollectionExtensions).Assembly,
            _ => typeof(ReaderHealthCheckExtensions).Assembly,
        };
        var api = Normalize(assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // The extension methods live in Microsoft.* namespaces by convention; the generator hides those by default.
            AllowNamespacePrefixes = ["Microsoft"],
            // Assembly-level plumbing (InternalsVisibleTo, build metadata) and compiler-generated
            // state machine names (they renumber when members are added) are not API.
            ExcludeAttributes =
            [
                typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute).FullName!,
                typeof(AssemblyMetadataAttribute).FullName!,
                typeof(System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute).FullName!,
                typeof(System.Runtime.CompilerServices.AsyncStateMachineAttribute).FullName!,
                typeof(System.Runtime.CompilerServices.IteratorStateMachineAttribute).FullName!,
            ],
        }));
        var approvedPath = Path.Combine(RepositoryRoot(), "src", package, "PublicApi.approved.txt");
        var receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".approved", ".received", StringComparison.Ordinal) + ".txt";
        var approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : "";

        if (approved == api)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable("STK_APPROVE_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
            return;
        }

        File.WriteAllText(receivedPath, api);
        Assert.Fail($"The public API of {package} changed. If that is intended, copy {receivedPath} over {approvedPath} (or run the tests with STK_APPROVE_API=1) and commit it.");
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StripeTerminalKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StripeTerminalKit.sln not found above " + AppContext.BaseDirectory);
    }
}
