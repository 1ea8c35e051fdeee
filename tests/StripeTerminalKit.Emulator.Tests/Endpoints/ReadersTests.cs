using System.Net;
using System.Text.Json;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class ReadersTests
{
    [Theory]
    [InlineData("simulated-wpe", "simulated_wisepos_e")]
    [InlineData("simulated-s700", "simulated_stripe_s700")]
    [InlineData("simulated-s710", "simulated_stripe_s710")]
    [InlineData("simulated-v660p", "simulated_verifone_v660p")]
    public async Task Each_simulated_registration_code_registers_its_device_type(string code, string deviceType)
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();

        var reader = await h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = code, Location = location.Id });

        Assert.StartsWith("tmr_", reader.Id);
        Assert.Equal("terminal.reader", reader.Object);
        Assert.Equal(deviceType, reader.DeviceType);
        Assert.StartsWith(code + "-", reader.SerialNumber);
        Assert.Equal(reader.SerialNumber, reader.Label);
        Assert.Equal(location.Id, reader.LocationId);
        Assert.Equal("online", reader.Status);
        Assert.Null(reader.Action);
        Assert.Equal("0.0.0.0", reader.IpAddress);
        Assert.False(reader.Livemode);
        Assert.Equal(WireHarness.Start.UtcDateTime, reader.LastSeenAt);
    }

    [Fact]
    public async Task Last_seen_at_is_in_milliseconds_on_the_wire()
    {
        await using var h = new WireHarness();
        h.Time.Advance(TimeSpan.FromMilliseconds(250));

        var reader = await h.RegisterReaderAsync();

        using var body = JsonDocument.Parse(h.Conformance.Exchanges.Last(x => x.PathAndQuery == "/v1/terminal/readers").Body);
        Assert.Equal(WireHarness.Start.AddMilliseconds(250).ToUnixTimeMilliseconds(), body.RootElement.GetProperty("last_seen_at").GetInt64());
        Assert.Equal(WireHarness.Start.AddMilliseconds(250).UtcDateTime, reader.LastSeenAt);
    }

    [Theory]
    [InlineData("simulated-t600")]
    [InlineData("0000-1111-2222")]
    [InlineData("SIMULATED-WPE")]
    public async Task An_unknown_registration_code_is_a_400_naming_registration_code(string code)
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();

        var e = await StripeAssert.FailsAsync(
            () => h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = code, Location = location.Id }),
            HttpStatusCode.BadRequest, StripeAssert.AnyCode, "registration_code");

        Assert.Empty(await h.Stripe.V1.Terminal.Readers.ListAsync());
        Assert.Contains("registration code", e.StripeError.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Register_needs_a_code_and_an_existing_location()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { Label = "x" }), HttpStatusCode.BadRequest, "parameter_missing", "registration_code");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-wpe", Location = "tml_missing" }), HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task Register_keeps_a_label_and_metadata_and_get_returns_them()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();

        var created = await h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions
        {
            RegistrationCode = "simulated-wpe",
            Location = location.Id,
            Label = "Till 1",
            Metadata = new Dictionary<string, string> { ["lane"] = "1" },
        });
        var fetched = await h.Stripe.V1.Terminal.Readers.GetAsync(created.Id);

        Assert.Equal("Till 1", fetched.Label);
        Assert.Equal("1", fetched.Metadata["lane"]);
        Assert.Equal(created.SerialNumber, fetched.SerialNumber);
    }

    [Fact]
    public async Task Get_can_expand_the_location()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync("Counter");
        var reader = await h.RegisterReaderAsync(locationId: location.Id);

        var fetched = await h.Stripe.V1.Terminal.Readers.GetAsync(reader.Id, new ReaderGetOptions { Expand = ["location"] });

        Assert.Equal(location.Id, fetched.LocationId);
        Assert.Equal("Counter", fetched.Location.DisplayName);
    }

    [Fact]
    public async Task Update_sets_the_label_merges_metadata_and_an_empty_label_resets_it()
    {
        await using var h = new WireHarness();
        var reader = await h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions
        {
            RegistrationCode = "simulated-s700",
            Location = (await h.CreateLocationAsync()).Id,
            Metadata = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
        });

        var labelled = await h.Stripe.V1.Terminal.Readers.UpdateAsync(reader.Id, new ReaderUpdateOptions
        {
            Label = "Bar",
            Metadata = new Dictionary<string, string> { ["b"] = "", ["c"] = "3" },
        });
        var reset = await h.Stripe.V1.Terminal.Readers.UpdateAsync(reader.Id, new ReaderUpdateOptions { Label = "" });

        Assert.Equal("Bar", labelled.Label);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" }, labelled.Metadata);
        Assert.Equal(reader.SerialNumber, reset.Label);
    }

    [Fact]
    public async Task Delete_answers_the_deleted_reader_shape_and_get_keeps_answering_it()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync("simulated-wpe");

        var deleted = await h.Stripe.V1.Terminal.Readers.DeleteAsync(reader.Id);
        var fetched = await h.Stripe.V1.Terminal.Readers.GetAsync(reader.Id);

        Assert.True(deleted.Deleted);
        Assert.Equal(reader.Id, deleted.Id);
        Assert.Equal("simulated_wisepos_e", deleted.DeviceType);
        Assert.Equal(reader.SerialNumber, deleted.SerialNumber);
        Assert.True(fetched.Deleted);
        using var body = JsonDocument.Parse(h.Conformance.Exchanges.Single(x => x.Method == "DELETE").Body);
        Assert.Equal(["id", "object", "deleted", "device_type", "serial_number"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("deleted_terminal.reader", h.Conformance.ValidatedComponents.Keys);
    }

    [Fact]
    public async Task A_deleted_reader_takes_no_more_requests_and_leaves_lists()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync();
        var intent = await h.CreateIntentAsync();
        await h.Stripe.V1.Terminal.Readers.DeleteAsync(reader.Id);

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.UpdateAsync(reader.Id, new ReaderUpdateOptions { Label = "x" }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.DeleteAsync(reader.Id), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id }), HttpStatusCode.NotFound, "resource_missing");

        Assert.Empty(await h.Stripe.V1.Terminal.Readers.ListAsync());
    }

    [Fact]
    public async Task Unknown_reader_ids_are_404_resource_missing_everywhere()
    {
        await using var h = new WireHarness();
        var readers = h.Stripe.V1.Terminal.Readers;

        await StripeAssert.FailsAsync(() => readers.GetAsync("tmr_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => readers.UpdateAsync("tmr_nope", new ReaderUpdateOptions { Label = "x" }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => readers.DeleteAsync("tmr_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => readers.CancelActionAsync("tmr_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(
            () => h.Stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync("tmr_nope", new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions()),
            HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task List_filters_by_location_device_type_serial_number_and_status()
    {
        await using var h = new WireHarness();
        var front = await h.CreateLocationAsync("Front");
        var back = await h.CreateLocationAsync("Back");
        var wpe = await h.RegisterReaderAsync("simulated-wpe", front.Id);
        var s700 = await h.RegisterReaderAsync("simulated-s700", front.Id);
        var s710 = await h.RegisterReaderAsync("simulated-s710", back.Id);
        var v660p = await h.RegisterReaderAsync("simulated-v660p", back.Id);
        h.Emulator.Faults.SetReaderOffline(s710.Id);
        var readers = h.Stripe.V1.Terminal.Readers;

        var all = await readers.ListAsync();
        var atFront = await readers.ListAsync(new ReaderListOptions { Location = front.Id });
        var s700s = await readers.ListAsync(new ReaderListOptions { DeviceType = "simulated_stripe_s700" });
        var bySerial = await readers.ListAsync(new ReaderListOptions { SerialNumber = v660p.SerialNumber });
        var offline = await readers.ListAsync(new ReaderListOptions { Status = "offline" });
        var onlineAtBack = await readers.ListAsync(new ReaderListOptions { Status = "online", Location = back.Id });
        var none = await readers.ListAsync(new ReaderListOptions { DeviceType = "stripe_m2" });

        Assert.Equal([v660p.Id, s710.Id, s700.Id, wpe.Id], all.Data.Select(r => r.Id));
        Assert.Equal([s700.Id, wpe.Id], atFront.Data.Select(r => r.Id));
        Assert.Equal([s700.Id], s700s.Data.Select(r => r.Id));
        Assert.Equal([v660p.Id], bySerial.Data.Select(r => r.Id));
        Assert.Equal([s710.Id], offline.Data.Select(r => r.Id));
        Assert.Equal("offline", offline.Data[0].Status);
        Assert.Equal([v660p.Id], onlineAtBack.Data.Select(r => r.Id));
        Assert.Empty(none.Data);
        Assert.All(new[] { all, atFront, s700s, bySerial, offline, onlineAtBack, none }, l => Assert.Equal("/v1/terminal/readers", l.Url));
    }

    [Fact]
    public async Task List_rejects_an_unknown_status_or_device_type()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { Status = "asleep" }), HttpStatusCode.BadRequest, null, "status");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { DeviceType = "toaster" }), HttpStatusCode.BadRequest, null, "device_type");
    }

    [Fact]
    public async Task List_pages_with_filters_applied_before_the_cursor()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();
        var other = await h.CreateLocationAsync("Other");
        var mine = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add((await h.RegisterReaderAsync("simulated-s700", location.Id)).Id);
            await h.RegisterReaderAsync("simulated-wpe", other.Id);
        }

        var seen = new List<string>();
        await foreach (var r in h.Stripe.V1.Terminal.Readers.ListAutoPagingAsync(new ReaderListOptions { Location = location.Id, Limit = 2 }))
        {
            seen.Add(r.Id);
        }

        Assert.Equal(Enumerable.Reverse(mine), seen);
    }

    [Fact]
    public async Task Deleting_a_location_detaches_its_readers()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();
        var reader = await h.RegisterReaderAsync(locationId: location.Id);

        await h.Stripe.V1.Terminal.Locations.DeleteAsync(location.Id);
        var fetched = await h.Stripe.V1.Terminal.Readers.GetAsync(reader.Id);

        Assert.Null(fetched.LocationId);
    }
}
