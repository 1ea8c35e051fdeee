using System.Net;
using System.Text;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;
using Xunit.Abstractions;

namespace StripeTerminalKit.Emulator.Tests.Wire;

/// <summary>
/// Thousands of random form bodies and queries, with Stripe's bracket notation nested at random,
/// sent through a raw HttpClient to every route: none may answer a 5xx, throw, or send a body that
/// breaks the OpenAPI subset. Seeded, so a failure names the request that reproduces it.
/// </summary>
public sealed class FormFuzzTests(ITestOutputHelper output)
{
    // Fixed by default; EMULATOR_FUZZ_SEED / EMULATOR_FUZZ_REQUESTS explore further by hand.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("EMULATOR_FUZZ_SEED"), out var seed) ? seed : 20261124;
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("EMULATOR_FUZZ_REQUESTS"), out var n) ? n : 3000;

    private static readonly (string Method, string Path)[] Routes =
    [
        ("POST", "/v1/payment_intents"), ("GET", "/v1/payment_intents"), ("GET", "/v1/payment_intents/{pi}"), ("POST", "/v1/payment_intents/{pi}"),
        ("POST", "/v1/payment_intents/{pi}/capture"), ("POST", "/v1/payment_intents/{pi}/cancel"), ("POST", "/v1/payment_intents/{pi}/increment_authorization"),
        ("POST", "/v1/refunds"), ("GET", "/v1/refunds"), ("GET", "/v1/refunds/{re}"), ("POST", "/v1/refunds/{re}"), ("POST", "/v1/refunds/{re}/cancel"),
        ("POST", "/v1/setup_intents"), ("GET", "/v1/setup_intents/{seti}"), ("POST", "/v1/setup_intents/{seti}/cancel"),
        ("GET", "/v1/charges/{ch}"), ("GET", "/v1/events"), ("GET", "/v1/events/{evt}"),
        ("POST", "/v1/terminal/connection_tokens"),
        ("POST", "/v1/terminal/locations"), ("GET", "/v1/terminal/locations"), ("GET", "/v1/terminal/locations/{tml}"), ("POST", "/v1/terminal/locations/{tml}"), ("DELETE", "/v1/terminal/locations/{tml}"),
        ("POST", "/v1/terminal/readers"), ("GET", "/v1/terminal/readers"), ("GET", "/v1/terminal/readers/{tmr}"), ("POST", "/v1/terminal/readers/{tmr}"), ("DELETE", "/v1/terminal/readers/{tmr}"),
        ("POST", "/v1/terminal/readers/{tmr}/process_payment_intent"), ("POST", "/v1/terminal/readers/{tmr}/collect_payment_method"),
        ("POST", "/v1/terminal/readers/{tmr}/confirm_payment_intent"), ("POST", "/v1/terminal/readers/{tmr}/process_setup_intent"),
        ("POST", "/v1/terminal/readers/{tmr}/refund_payment"), ("POST", "/v1/terminal/readers/{tmr}/set_reader_display"),
        ("POST", "/v1/terminal/readers/{tmr}/collect_inputs"), ("POST", "/v1/terminal/readers/{tmr}/cancel_action"),
        ("POST", "/v1/test_helpers/terminal/readers/{tmr}/present_payment_method"), ("POST", "/v1/test_helpers/terminal/readers/{tmr}/succeed_input_collection"),
        ("POST", "/v1/test_helpers/terminal/readers/{tmr}/timeout_input_collection"),
        ("PUT", "/v1/payment_intents/{pi}"), ("GET", "/v1/{junk}"), ("POST", "/v1/terminal/readers/{tmr}/{junk}"),
    ];

    private static readonly string[] Names =
    [
        "amount", "currency", "capture_method", "allowed_payment_method_types", "payment_method_types", "payment_method_options", "card_present",
        "interac_present", "routing", "requested_priority", "request_extended_authorization", "request_incremental_authorization_support",
        "description", "metadata", "receipt_email", "statement_descriptor", "statement_descriptor_suffix", "application_fee_amount", "on_behalf_of",
        "amount_to_capture", "final_capture", "cancellation_reason", "payment_intent", "charge", "reason", "refund_application_fee", "reverse_transfer",
        "display_name", "address", "line1", "line2", "city", "state", "postal_code", "country", "phone", "configuration_overrides",
        "registration_code", "location", "label", "status", "device_type", "serial_number", "limit", "starting_after", "ending_before", "expand",
        "created", "gt", "gte", "lt", "lte", "type", "types", "process_config", "collect_config", "confirm_config", "return_url", "skip_tipping",
        "tipping", "amount_eligible", "enable_customer_cancellation", "allow_redisplay", "setup_intent", "refund_payment_config", "cart", "line_items",
        "quantity", "tax", "total", "inputs", "custom_text", "title", "submit_button", "skip_button", "required", "selection", "choices", "id",
        "text", "style", "toggles", "default_value", "number", "card", "exp_month", "exp_year", "cvc", "amount_tip", "skip_non_required_inputs",
        "usage", "customer", "client_secret", "delivery_success", "instructions_email", "origin", "x", "", "0", "1", "-1", "99",
    ];

    private static readonly string[] Values =
    [
        "", "0", "1", "-1", "49", "50", "1000", "1005", "99999999", "100000000", "9223372036854775807", "9223372036854775808", "1e3", "12.5", "0x10",
        "true", "false", "TRUE", "null", "aud", "AUD", "usd", "cad", "xyz", "card_present", "interac_present", "card", "manual", "manual_preferred",
        "automatic", "automatic_async", "domestic", "international", "AU", "NZ", "Australia", "simulated-wpe", "simulated-s700", "simulated-s710",
        "simulated-v660p", "simulated-t600", "online", "offline", "simulated_stripe_s700", "cart", "text", "email", "selection", "signature", "numeric",
        "phone", "primary", "enabled", "disabled", "all", "none", "always", "limited", "unspecified", "abandoned", "duplicate", "requested_by_customer",
        "latest_charge", "payment_method", "data.latest_charge", "location", "action.process_payment_intent.payment_intent", "charge", "payment_intent",
        "payment_intent.*", "*", "4242424242424242", "4000000000000002", "4000000000009995", "5555555555554444", "4506445006931933", "6280000360000978",
        "4000000000005126", "🦘", "Ünïcødé", "<script>", "'; DROP TABLE", "%00", "a\u0000b", new string('x', 41), new string('y', 501), new string('z', 5001),
    ];

    /// <summary>A valid body per route: mutated, it reaches past validation into each endpoint's rules.</summary>
    private static readonly Dictionary<string, string> ValidForms = new(StringComparer.Ordinal)
    {
        ["POST /v1/payment_intents"] = "amount=1000&currency=aud&allowed_payment_method_types[0]=card_present&capture_method=manual&payment_method_options[card_present][request_incremental_authorization_support]=true",
        ["GET /v1/payment_intents"] = "limit=2&starting_after={pi}&expand[0]=data.latest_charge",
        ["POST /v1/payment_intents/{pi}"] = "amount=1200&metadata[a]=b&description=x&allowed_payment_method_types[0]=card_present",
        ["POST /v1/payment_intents/{pi}/capture"] = "amount_to_capture=500&metadata[k]=v",
        ["POST /v1/payment_intents/{pi}/cancel"] = "cancellation_reason=abandoned",
        ["POST /v1/payment_intents/{pi}/increment_authorization"] = "amount=4000",
        ["POST /v1/refunds"] = "payment_intent={pi}&amount=100&reason=duplicate",
        ["GET /v1/refunds"] = "payment_intent={pi}&limit=3",
        ["POST /v1/refunds/{re}"] = "metadata[k]=v",
        ["POST /v1/setup_intents"] = "allowed_payment_method_types[0]=card_present&usage=on_session",
        ["GET /v1/events"] = "type=payment_intent.*&limit=5&created[gte]=0",
        ["POST /v1/terminal/connection_tokens"] = "location={tml}",
        ["POST /v1/terminal/locations"] = "display_name=X&address[country]=AU&address[state]=VIC&address[postal_code]=3000&address[line1]=1",
        ["POST /v1/terminal/locations/{tml}"] = "display_name=Y&metadata[a]=",
        ["POST /v1/terminal/readers"] = "registration_code=simulated-wpe&location={tml}&label=L",
        ["GET /v1/terminal/readers"] = "status=online&limit=2&location={tml}",
        ["POST /v1/terminal/readers/{tmr}"] = "label=L&metadata[a]=b",
        ["POST /v1/terminal/readers/{tmr}/process_payment_intent"] = "payment_intent={pi}&process_config[tipping][amount_eligible]=100&process_config[enable_customer_cancellation]=true",
        ["POST /v1/terminal/readers/{tmr}/collect_payment_method"] = "payment_intent={pi}&collect_config[skip_tipping]=true",
        ["POST /v1/terminal/readers/{tmr}/confirm_payment_intent"] = "payment_intent={pi}",
        ["POST /v1/terminal/readers/{tmr}/process_setup_intent"] = "setup_intent={seti}&allow_redisplay=always",
        ["POST /v1/terminal/readers/{tmr}/refund_payment"] = "payment_intent={pi}&amount=100",
        ["POST /v1/terminal/readers/{tmr}/set_reader_display"] = "type=cart&cart[currency]=aud&cart[line_items][0][description]=A&cart[line_items][0][amount]=100&cart[line_items][0][quantity]=1&cart[total]=100",
        ["POST /v1/terminal/readers/{tmr}/collect_inputs"] = "inputs[0][type]=selection&inputs[0][custom_text][title]=T&inputs[0][selection][choices][0][id]=a&inputs[0][selection][choices][0][text]=A",
        ["POST /v1/test_helpers/terminal/readers/{tmr}/present_payment_method"] = "type=card_present&card_present[number]={card}&amount_tip=100",
        ["POST /v1/test_helpers/terminal/readers/{tmr}/succeed_input_collection"] = "skip_non_required_inputs=all",
    };

    private static readonly string[] Cards = [TestCards.Visa, TestCards.Declined, TestCards.InsufficientFunds, TestCards.Interac, TestCards.EftposAuDebit, TestCards.EftposAuVisaDebit, TestCards.RefundFails, TestCards.ExpiredCard];

    [Fact]
    public async Task Random_forms_on_every_route_never_get_a_server_error_or_an_invalid_body()
    {
        await using var h = new WireHarness(seed: Seed);
        var random = new Random(Seed);
        var ids = await SeedObjectsAsync(h);
        using var http = h.RawHttp();
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Requests; i++)
        {
            var (method, template) = Routes[random.Next(Routes.Length)];
            var path = FillPath(template, ids, random);
            var form = ValidForms.TryGetValue(method + " " + template, out var valid) && random.Next(2) == 0
                ? Mutate(FillPath(valid, ids, random).Replace("{card}", Cards[random.Next(Cards.Length)]), random, ids)
                : RandomForm(random, ids);
            using var request = new HttpRequestMessage(new HttpMethod(method), method is "GET" or "DELETE" ? path + (form.Length > 0 ? "?" + form : "") : path);
            if (method is not ("GET" or "DELETE"))
            {
                request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
            }

            if (random.Next(4) == 0)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", "fuzz-" + random.Next(20).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (random.Next(10) == 0)
            {
                request.Headers.TryAddWithoutValidation("Stripe-Account", random.Next(2) == 0 ? "acct_1Fuzz" : "");
            }

            if (random.Next(50) == 0)
            {
                h.Time.Advance(TimeSpan.FromSeconds(random.Next(1, 200)));
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (Exception e)
            {
                output.WriteLine($"seed {Seed}, request #{i}: {method} {path}\n{form}");
                throw new InvalidOperationException($"seed {Seed}, request #{i} ({method} {path} with '{Truncate(form)}') threw {e.GetType().Name}: {e.Message}", e);
            }

            using (response)
            {
                Harvest(await response.Content.ReadAsStringAsync(), ids);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                Assert.True(status < 500, $"seed {Seed}, request #{i}: {method} {path} with '{Truncate(form)}' answered {status}");
            }
        }

        output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(statuses.GetValueOrDefault(200) > Requests / 50, "the fuzzer should reach past validation sometimes");
        Assert.True(statuses.GetValueOrDefault(400) > Requests / 4);

        // The emulator is still whole afterwards.
        var after = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud" });
        Assert.Equal("requires_payment_method", after.Status);
    }

    /// <summary>Adds the ids a response mentions to the pools, so later requests find live objects.</summary>
    private static void Harvest(string body, Ids ids)
    {
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(body, "\"(pi|tmr|tml|re|ch|seti|evt)_[A-Za-z0-9]+\""))
        {
            var id = m.Value.Trim('"');
            var pool = m.Groups[1].Value switch
            {
                "pi" => ids.Pis,
                "tmr" => ids.Readers,
                "tml" => ids.Locations,
                "re" => ids.Refunds,
                "ch" => ids.Charges,
                "seti" => ids.SetupIntents,
                _ => ids.Events,
            };
            if (pool.Count < 200 && !pool.Contains(id))
            {
                pool.Add(id);
            }
        }
    }

    /// <summary>Zero to two edits of a valid form: drop a pair, change a value, add a random pair.</summary>
    private static string Mutate(string form, Random random, Ids ids)
    {
        var pairs = form.Split('&').ToList();
        for (var edits = random.Next(0, 3); edits > 0; edits--)
        {
            switch (random.Next(3))
            {
                case 0 when pairs.Count > 0:
                    pairs.RemoveAt(random.Next(pairs.Count));
                    break;
                case 1 when pairs.Count > 0:
                    var at = random.Next(pairs.Count);
                    pairs[at] = pairs[at].Split('=')[0] + "=" + Uri.EscapeDataString(Values[random.Next(Values.Length)]);
                    break;
                default:
                    pairs.Add(RandomForm(random, ids));
                    break;
            }
        }

        return string.Join('&', pairs.Where(p => p.Length > 0));
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private sealed record Ids(List<string> Pis, List<string> Readers, List<string> Locations, List<string> Refunds, List<string> Charges, List<string> SetupIntents, List<string> Events);

    private static async Task<Ids> SeedObjectsAsync(WireHarness h)
    {
        var location = await h.CreateLocationAsync();
        var readers = new List<string>();
        foreach (var code in new[] { "simulated-wpe", "simulated-s700", "simulated-s710", "simulated-v660p" })
        {
            readers.Add((await h.RegisterReaderAsync(code, location.Id)).Id);
        }

        var paid = await h.PaidIntentAsync(5000);
        var authorised = await h.PaidIntentAsync(3000, manual: true, incremental: true);
        var fresh = await h.CreateIntentAsync(1500);
        var refund = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 100 });
        var setup = await h.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());
        var events = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 5 });
        var allReaders = (await h.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { Limit = 100 })).Data.Select(r => r.Id);
        return new Ids(
            [paid.Id, authorised.Id, fresh.Id],
            [.. readers, .. allReaders],
            [location.Id],
            [refund.Id],
            [paid.LatestChargeId, authorised.LatestChargeId],
            [setup.Id],
            events.Data.Select(e => e.Id).ToList());
    }

    private static string FillPath(string template, Ids ids, Random random)
    {
        string Pick(List<string> real) => random.Next(6) switch
        {
            0 => "nope_" + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => Uri.EscapeDataString(Values[random.Next(Values.Length)]) is { Length: > 0 } v ? v : "%20",
            _ => real[random.Next(real.Count)],
        };

        return template
            .Replace("{pi}", Pick(ids.Pis)).Replace("{tmr}", Pick(ids.Readers)).Replace("{tml}", Pick(ids.Locations))
            .Replace("{re}", Pick(ids.Refunds)).Replace("{ch}", Pick(ids.Charges)).Replace("{seti}", Pick(ids.SetupIntents))
            .Replace("{evt}", Pick(ids.Events)).Replace("{junk}", Pick(["x", "payment_intents", "terminal"]));
    }

    private static string RandomForm(Random random, Ids ids)
    {
        if (random.Next(40) == 0)
        {
            // Raw garbage: broken brackets, stray separators, bad escapes.
            string[] junk = ["[", "]", "[]", "=", "&", "%", "%5B", "%5D", "%ZZ", "a", "amount", "metadata", "[0]", "==", "&&", "+", "%00", "\u00ff"];
            var sb = new StringBuilder();
            for (var j = random.Next(1, 12); j > 0; j--)
            {
                sb.Append(junk[random.Next(junk.Length)]);
            }

            return sb.ToString();
        }

        var pairs = new List<string>();
        for (var n = random.Next(0, 8); n > 0; n--)
        {
            var key = new StringBuilder(Names[random.Next(Names.Length)]);
            for (var depth = random.Next(0, 4); depth > 0; depth--)
            {
                key.Append('[').Append(random.Next(5) switch
                {
                    0 => "",
                    1 => random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => Names[random.Next(Names.Length)],
                }).Append(']');
            }

            string value = random.Next(5) switch
            {
                0 => ids.Pis[random.Next(ids.Pis.Count)],
                1 => ids.Readers[random.Next(ids.Readers.Count)],
                _ => Values[random.Next(Values.Length)],
            };
            var encodedKey = random.Next(3) == 0 ? Uri.EscapeDataString(key.ToString()) : key.ToString().Replace("&", "%26").Replace("=", "%3D");
            pairs.Add(encodedKey + "=" + Uri.EscapeDataString(value));
        }

        return string.Join('&', pairs);
    }
}
