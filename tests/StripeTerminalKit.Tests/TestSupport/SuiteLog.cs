using System.Collections.Concurrent;

namespace StripeTerminalKit.Tests.TestSupport;

/// <summary>
/// Every log line written by every kit built through <see cref="TestKit"/>, and every exception a
/// test observed, for the whole test run. <c>SecretLeakTests</c> scans it for secrets.
/// </summary>
public static class SuiteLog
{
    private static readonly ConcurrentQueue<string> Lines = new();

    public static void Add(string line) => Lines.Enqueue(line);

    public static void Add(Exception exception) => Lines.Enqueue(exception.ToString());

    public static IReadOnlyCollection<string> Snapshot() => Lines.ToArray();
}

/// <summary>The secrets the whole suite uses, so that one test can prove none of them leaks.</summary>
public static class TestSecrets
{
    public const string ApiKey = "sk_test_51StkSuiteSecretKey0DoNotLeak9876543210abcdefXYZ";

    public const string OtherApiKey = "rk_test_51StkSecondAccountKey0DoNotLeak1234567890";

    public const string WebhookSecret = "whsec_stkSuiteWebhookSecret0DoNotLeak42";
}
