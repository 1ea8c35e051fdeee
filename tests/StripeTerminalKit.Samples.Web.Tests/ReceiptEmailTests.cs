using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// The cashier page's "ask for a receipt email" choice: the reader shows the form before the card,
/// and the address the customer enters is the PaymentIntent's <c>receipt_email</c>. Its own app, so
/// the scripted customer at its reader meets no other test.
/// </summary>
public sealed class ReceiptEmailTests : IDisposable
{
    private readonly WebSampleFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_sale_that_asks_for_a_receipt_email_saves_what_the_customer_enters()
    {
        using var till = _app.Device();
        var reader = await till.ReaderAsync("Front counter");
        // A customer who fills in the form, then taps a card.
        _app.Emulator.Customer.Automate(reader, _ => CustomerAction.Tap(TestCards.Visa));

        await till.StartAsync(new { checkoutId = "email-sale", readerId = reader, amount = 1600, skipTipping = true, collectReceiptEmail = true });
        var done = await till.WaitForAsync("email-sale", c => c.Completed);

        Assert.Equal("succeeded", done.Outcome);
        var intent = await _app.Emulator.CreateStripeClient().V1.PaymentIntents.GetAsync(done.PaymentIntentId);
        Assert.Equal("someone@example.com", intent.ReceiptEmail);
        Assert.Contains(_app.Emulator.RequestLog, r => r.Operation == EmulatorOperations.CollectInputs && r.Path.Contains(reader, StringComparison.Ordinal));
    }
}
