using System.Text.Json;
using System.Text.Json.Nodes;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;
using TestReaders = Stripe.TestHelpers.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Wire;

/// <summary>
/// The validator itself, and a tour through every operation of the OpenAPI subset (and the
/// emulator's other routes) proving that each one answered a body that fits the spec.
/// </summary>
public sealed class OpenApiConformanceTests
{
    /// <summary>Fields Stripe added after the 2023 snapshot the subset's payment objects come from.</summary>
    private static readonly HashSet<string> NewerThanTheSubset = new(StringComparer.Ordinal)
    {
        "allowed_payment_method_types", // endive: PaymentIntent / SetupIntent (Stripe.net 53.1.0 has the property)
    };

    /// <summary>
    /// Charge card_present fields newer than the 2023 charge schema in the subset (facts corrections
    /// table, "card_present on the charge": reader and location, changelog clover 2026-02-25;
    /// brand_product, network_transaction_id, offline, preferred_locales in the endive OpenAPI).
    /// Removed only inside a <c>card_present</c> object, so terminal.reader's own location stays checked.
    /// </summary>
    private static readonly HashSet<string> NewerCardPresentFields = new(StringComparer.Ordinal)
    {
        "reader", "location", "brand_product", "network_transaction_id", "offline", "preferred_locales",
    };

    [Fact]
    public void The_validator_accepts_Stripe_s_own_fixtures()
    {
        var spec = JsonNode.Parse(System.IO.File.ReadAllText(OpenApiSchemas.SpecPath))!;

        foreach (var (component, fixture) in spec["x-fixtures"]!.AsObject())
        {
            Assert.Empty(OpenApiSchemas.Lenient.Validate(component, fixture!.ToJsonString()));
        }
    }

    [Theory]
    [InlineData("terminal.reader", """{"id":"tmr_1","object":"terminal.reader","device_type":"simulated_wisepos_e","label":"x","livemode":false,"metadata":{},"serial_number":"s","status":"asleep"}""")]
    [InlineData("terminal.reader", """{"id":"tmr_1","object":"terminal.reader","device_type":"simulated_wisepos_e","livemode":false,"metadata":{},"serial_number":"s"}""")]
    [InlineData("terminal.reader", """{"id":"tmr_1","object":"terminal.reader","device_type":"simulated_wisepos_e","label":"x","livemode":false,"metadata":{"k":1},"serial_number":"s"}""")]
    [InlineData("terminal.reader", """{"id":"tmr_1","object":"terminal.reader","device_type":"simulated_wisepos_e","label":"x","livemode":false,"metadata":{},"serial_number":"s","location":{"id":"tml_1"}}""")]
    [InlineData("terminal.location", """{"id":"tml_1","object":"terminal.location","address":{"country":"AU"},"display_name":"x","livemode":false,"metadata":{},"phone":null}""")]
    [InlineData("payment_intent", """{"id":"pi_1","object":"payment_intent","amount":"1000","capture_method":"automatic","confirmation_method":"automatic","created":1,"currency":"aud","livemode":false,"payment_method_types":["card_present"],"status":"requires_payment_method"}""")]
    [InlineData("payment_intent", """{"id":"pi_1","object":"payment_intent","amount":1000,"capture_method":"automatic","confirmation_method":"automatic","created":1,"currency":"aud","livemode":false,"payment_method_types":["card_present"],"status":"pending"}""")]
    [InlineData("error", """{"error":{"type":"invalid_request_error","code":null}}""")]
    [InlineData("error", """{"error":{"type":"card_declined"}}""")]
    public void The_validator_rejects_what_Stripe_would_never_send(string component, string json)
    {
        Assert.NotEmpty(OpenApiSchemas.Lenient.Validate(component, json));
    }

    [Fact]
    public void The_validator_accepts_null_where_the_spec_says_nullable()
    {
        const string reader = """{"id":"tmr_1","object":"terminal.reader","action":null,"device_sw_version":null,"device_type":"simulated_wisepos_e","ip_address":null,"label":"x","last_seen_at":null,"livemode":false,"location":null,"metadata":{},"serial_number":"s","status":null}""";

        Assert.Empty(OpenApiSchemas.Lenient.Validate("terminal.reader", reader));
        Assert.Empty(OpenApiSchemas.Strict.Validate("terminal.reader", reader));
        Assert.NotEmpty(OpenApiSchemas.Strict.Validate("terminal.reader", reader.Replace("\"status\":null", "\"status\":null,\"colour\":\"red\"")));
    }

    [Fact]
    public async Task Every_operation_of_the_subset_answers_a_body_that_fits_it()
    {
        await using var h = new WireHarness();

        await TourAsync(h);

        var spec = JsonNode.Parse(System.IO.File.ReadAllText(OpenApiSchemas.SpecPath))!;
        var answered = h.Conformance.Exchanges.Where(x => x.Status == 200).ToList();
        var missing = new List<string>();
        foreach (var (path, item) in spec["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                var key = method.ToUpperInvariant() + " " + path;
                if (!answered.Any(x => OpenApiSchemas.Lenient.OperationSchema(x.Method, x.PathAndQuery.Split('?')[0]) == "operation " + key))
                {
                    missing.Add(key);
                }
            }
        }

        // A refund can only be canceled while it requires action, which card-present refunds never do.
        Assert.Equal(["POST /v1/refunds/{refund}/cancel"], missing);
        Assert.Contains(h.Conformance.Exchanges, x => x.PathAndQuery.EndsWith("/cancel") && x.PathAndQuery.StartsWith("/v1/refunds/") && x.Status == 400);
        foreach (var component in new[] { "terminal.reader", "deleted_terminal.reader", "terminal.location", "deleted_terminal.location", "payment_intent", "refund", "charge", "setup_intent", "event", "error", "terminal.connection_token" })
        {
            Assert.True(h.Conformance.ValidatedComponents.ContainsKey(component), $"no body was validated as {component}");
        }
    }

    [Fact]
    public async Task Every_field_the_emulator_sends_is_one_the_spec_knows()
    {
        await using var h = new WireHarness();
        await TourAsync(h);

        var problems = new List<string>();
        var checkedComponents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var x in h.Conformance.Exchanges)
        {
            var node = JsonNode.Parse(x.Body)!;
            StripNewerFields(node);
            if (x.Status >= 400)
            {
                problems.AddRange(OpenApiSchemas.Strict.Validate("error", node.ToJsonString()).Select(p => $"{x.Method} {x.PathAndQuery}: {p}"));
                continue;
            }

            StrictByObject(node, $"{x.Method} {x.PathAndQuery}", problems, checkedComponents);
        }

        await h.Emulator.Webhooks.DrainAsync();
        Assert.NotEmpty(h.Conformance.WebhookEvents);
        foreach (var json in h.Conformance.WebhookEvents)
        {
            var node = JsonNode.Parse(json)!;
            StripNewerFields(node);
            StrictByObject(node, "webhook", problems, checkedComponents);
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
        Assert.Superset(new HashSet<string> { "terminal.reader", "terminal.location", "payment_intent", "refund", "charge", "setup_intent", "event", "terminal.connection_token" }, checkedComponents);
    }

    /// <summary>Strict validation by <c>object</c>, into list items and event payloads.</summary>
    private static void StrictByObject(JsonNode node, string where, List<string> problems, HashSet<string> seen)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var component = OpenApiSchemas.ComponentOf(doc.RootElement)!;
        if (component == "list")
        {
            foreach (var item in node["data"]!.AsArray())
            {
                StrictByObject(item!, where + " data[]", problems, seen);
            }

            return;
        }

        seen.Add(component);
        problems.AddRange(OpenApiSchemas.Strict.Validate(component, node.ToJsonString()).Select(p => $"{where}: {p}"));
        if (component == "event")
        {
            StrictByObject(node["data"]!["object"]!, $"{where} {node["type"]} data.object", problems, seen);
        }
    }

    private static void StripNewerFields(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).Where(NewerThanTheSubset.Contains).ToList())
                {
                    o.Remove(name);
                }

                if (o["card_present"] is JsonObject cardPresent)
                {
                    foreach (var name in cardPresent.Select(p => p.Key).Where(NewerCardPresentFields.Contains).ToList())
                    {
                        cardPresent.Remove(name);
                    }
                }

                foreach (var (_, child) in o)
                {
                    StripNewerFields(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    StripNewerFields(child);
                }

                break;
        }
    }

    /// <summary>Calls every route once the way a POS backend would, with every optional block filled in.</summary>
    private static async Task TourAsync(WireHarness h)
    {
        var stripe = h.Stripe;
        var readers = stripe.V1.Terminal.Readers;
        var helpers = stripe.V1.TestHelpers.Terminal.Readers;

        // Locations.
        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Tour",
            Address = new AddressOptions { Line1 = "1 Collins St", Line2 = "Shop 2", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
            Phone = "+61 3 5550 0000",
            Metadata = new Dictionary<string, string> { ["k"] = "v" },
        });
        await stripe.V1.Terminal.Locations.GetAsync(location.Id);
        await stripe.V1.Terminal.Locations.UpdateAsync(location.Id, new LocationUpdateOptions { DisplayName = "Tour 2" });
        await stripe.V1.Terminal.Locations.ListAsync();
        var doomed = await h.CreateLocationAsync("Doomed");
        await stripe.V1.Terminal.Locations.DeleteAsync(doomed.Id);
        await stripe.V1.Terminal.Locations.GetAsync(doomed.Id);
        await stripe.V1.Terminal.ConnectionTokens.CreateAsync(new ConnectionTokenCreateOptions { Location = location.Id });
        await stripe.V1.Terminal.ConnectionTokens.CreateAsync(new ConnectionTokenCreateOptions());

        // Readers.
        var reader = await readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id, Label = "Till", Metadata = new Dictionary<string, string> { ["lane"] = "1" } });
        await readers.GetAsync(reader.Id, new ReaderGetOptions { Expand = ["location"] });
        await readers.UpdateAsync(reader.Id, new ReaderUpdateOptions { Label = "Till 1" });
        await readers.ListAsync(new ReaderListOptions { Location = location.Id, Expand = ["data.location"] });
        var spare = await h.RegisterReaderAsync("simulated-wpe", location.Id);
        await readers.DeleteAsync(spare.Id);
        await readers.GetAsync(spare.Id);

        // A cart, a one-step payment with a tip, captured manually, incremented, partly refunded online.
        await readers.SetReaderDisplayAsync(reader.Id, new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions
            {
                Currency = "aud",
                LineItems = [new ReaderCartLineItemOptions { Description = "Latte", Amount = 550, Quantity = 2 }],
                Tax = 100,
                Total = 1200,
            },
        });
        var manual = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1200,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            CaptureMethod = "manual",
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { RequestIncrementalAuthorizationSupport = true, RequestExtendedAuthorization = true },
            },
            Metadata = new Dictionary<string, string> { ["order"] = "1" },
            Description = "Tour order",
        });
        await stripe.V1.PaymentIntents.UpdateAsync(manual.Id, new PaymentIntentUpdateOptions { Description = "Tour order 1" });
        await readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions
        {
            PaymentIntent = manual.Id,
            ProcessConfig = new ReaderProcessConfigOptions { EnableCustomerCancellation = true, SkipTipping = false, Tipping = new ReaderProcessConfigTippingOptions { AmountEligible = 1200 } },
            Expand = ["action.process_payment_intent.payment_intent"],
        });
        await helpers.PresentPaymentMethodAsync(reader.Id, new TestReaders.ReaderPresentPaymentMethodOptions
        {
            Type = "card_present",
            CardPresent = new TestReaders.ReaderCardPresentOptions { Number = TestCards.Visa },
            AmountTip = 150,
        });
        await stripe.V1.PaymentIntents.IncrementAuthorizationAsync(manual.Id, new PaymentIntentIncrementAuthorizationOptions { Amount = 1500 });
        await stripe.V1.PaymentIntents.GetAsync(manual.Id, new PaymentIntentGetOptions { Expand = ["latest_charge", "payment_method"] });
        var captured = await stripe.V1.PaymentIntents.CaptureAsync(manual.Id, new PaymentIntentCaptureOptions { AmountToCapture = 1400 });
        var refund = await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = manual.Id, Amount = 400, Reason = "requested_by_customer" });
        await stripe.V1.Refunds.GetAsync(refund.Id, new RefundGetOptions { Expand = ["charge", "payment_intent"] });
        await stripe.V1.Refunds.UpdateAsync(refund.Id, new RefundUpdateOptions { Metadata = new Dictionary<string, string> { ["why"] = "spilt" } });
        await stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = manual.Id });
        await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CancelAsync(refund.Id));
        await stripe.V1.Charges.GetAsync(captured.LatestChargeId);

        // The two-step flow. In-person refunds are Interac only (docs: terminal/features/refunds,
        // corrections table): refund_payment of a Mastercard payment is refused with an error body.
        var twoStep = await h.CreateIntentAsync(2000);
        await readers.CollectPaymentMethodAsync(reader.Id, new ReaderCollectPaymentMethodOptions
        {
            PaymentIntent = twoStep.Id,
            CollectConfig = new ReaderCollectConfigOptions { SkipTipping = true, EnableCustomerCancellation = false },
        });
        await helpers.PresentPaymentMethodAsync(reader.Id, new TestReaders.ReaderPresentPaymentMethodOptions { Type = "card_present", CardPresent = new TestReaders.ReaderCardPresentOptions { Number = TestCards.Mastercard } });
        await readers.ConfirmPaymentIntentAsync(reader.Id, new ReaderConfirmPaymentIntentOptions { PaymentIntent = twoStep.Id, Expand = ["action.confirm_payment_intent.payment_intent"] });
        await Assert.ThrowsAsync<StripeException>(() => readers.RefundPaymentAsync(reader.Id, new ReaderRefundPaymentOptions { PaymentIntent = twoStep.Id, Amount = 500 }));

        // Interac in Canada, refunded in person as Stripe requires.
        var interac = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1500, Currency = "cad", AllowedPaymentMethodTypes = ["card_present", "interac_present"] });
        await readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = interac.Id });
        await helpers.PresentPaymentMethodAsync(reader.Id, new TestReaders.ReaderPresentPaymentMethodOptions { Type = "interac_present", InteracPresent = new TestReaders.ReaderInteracPresentOptions { Number = TestCards.Interac } });
        var interacPaid = await stripe.V1.PaymentIntents.GetAsync(interac.Id, new PaymentIntentGetOptions { Expand = ["latest_charge", "payment_method"] });
        Assert.Equal("interac_present", interacPaid.LatestCharge.PaymentMethodDetails.Type);
        await readers.RefundPaymentAsync(reader.Id, new ReaderRefundPaymentOptions
        {
            PaymentIntent = interac.Id,
            Amount = 500,
            Metadata = new Dictionary<string, string> { ["r"] = "1" },
            RefundPaymentConfig = new ReaderRefundPaymentConfigOptions { EnableCustomerCancellation = true },
        });
        await helpers.PresentPaymentMethodAsync(reader.Id, new TestReaders.ReaderPresentPaymentMethodOptions { Type = "interac_present" });

        // A decline, then a cancel.
        var declined = await h.CreateIntentAsync(1000);
        await readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = declined.Id });
        await helpers.PresentPaymentMethodAsync(reader.Id, new TestReaders.ReaderPresentPaymentMethodOptions { Type = "card_present", CardPresent = new TestReaders.ReaderCardPresentOptions { Number = TestCards.InsufficientFunds } });
        await readers.GetAsync(reader.Id);
        await stripe.V1.PaymentIntents.GetAsync(declined.Id, new PaymentIntentGetOptions { Expand = ["latest_charge"] });
        await stripe.V1.PaymentIntents.CancelAsync(declined.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });

        // Saving a card.
        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { AllowedPaymentMethodTypes = ["card_present"] });
        await readers.ProcessSetupIntentAsync(reader.Id, new ReaderProcessSetupIntentOptions { SetupIntent = setup.Id, AllowRedisplay = "limited", ProcessConfig = new ReaderProcessConfigOptions { EnableCustomerCancellation = true } });
        await helpers.PresentPaymentMethodAsync(reader.Id, new TestReaders.ReaderPresentPaymentMethodOptions());
        await stripe.V1.SetupIntents.GetAsync(setup.Id);
        var unused = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());
        await stripe.V1.SetupIntents.CancelAsync(unused.Id);

        // Forms on the reader: one completed, one timed out, one canceled.
        var form = new ReaderCollectInputsOptions
        {
            Inputs =
            [
                new ReaderInputOptions { Type = "email", CustomText = new ReaderInputCustomTextOptions { Title = "Email", Description = "For your receipt", SubmitButton = "OK", SkipButton = "Skip" }, Required = false },
                new ReaderInputOptions { Type = "numeric", CustomText = new ReaderInputCustomTextOptions { Title = "Postcode" }, Required = true },
                new ReaderInputOptions { Type = "phone", CustomText = new ReaderInputCustomTextOptions { Title = "Phone" } },
                new ReaderInputOptions { Type = "signature", CustomText = new ReaderInputCustomTextOptions { Title = "Sign" }, Required = true },
                new ReaderInputOptions
                {
                    Type = "selection",
                    CustomText = new ReaderInputCustomTextOptions { Title = "Size" },
                    Selection = new ReaderInputSelectionOptions { Choices = [new ReaderInputSelectionChoiceOptions { Id = "s", Text = "Small", Style = "primary" }, new ReaderInputSelectionChoiceOptions { Id = "l", Text = "Large", Style = "secondary" }] },
                    Toggles = [new ReaderInputToggleOptions { Title = "Marketing", Description = "Send offers", DefaultValue = "disabled" }],
                },
            ],
            Metadata = new Dictionary<string, string> { ["survey"] = "1" },
        };
        await readers.CollectInputsAsync(reader.Id, form);
        await helpers.SucceedInputCollectionAsync(reader.Id, new TestReaders.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "none" });
        await readers.CollectInputsAsync(reader.Id, new ReaderCollectInputsOptions { Inputs = [new ReaderInputOptions { Type = "text", CustomText = new ReaderInputCustomTextOptions { Title = "Name" } }] });
        await helpers.TimeoutInputCollectionAsync(reader.Id);
        await readers.CollectInputsAsync(reader.Id, new ReaderCollectInputsOptions { Inputs = [new ReaderInputOptions { Type = "text", CustomText = new ReaderInputCustomTextOptions { Title = "Name" } }] });
        await helpers.SucceedInputCollectionAsync(reader.Id, new TestReaders.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "all" });
        await readers.SetReaderDisplayAsync(reader.Id, new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions { Currency = "aud", LineItems = [new ReaderCartLineItemOptions { Description = "Tea", Amount = 400, Quantity = 1 }], Total = 400 },
        });
        await readers.CancelActionAsync(reader.Id);

        // Lists and events.
        await stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Limit = 100, Expand = ["data.latest_charge"] });
        await stripe.V1.Refunds.ListAsync(new RefundListOptions { Limit = 100 });
        var events = await stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100 });
        await stripe.V1.Events.GetAsync(events.Data[0].Id);

        // Errors of every kind, so the error schema sees them all.
        await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.GetAsync("pi_missing"));
        await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CaptureAsync(twoStep.Id));
        await Assert.ThrowsAsync<StripeException>(() => readers.ConfirmPaymentIntentAsync(reader.Id, new ReaderConfirmPaymentIntentOptions { PaymentIntent = declined.Id }));
        await h.SendAsync(HttpMethod.Post, "/v1/payment_intents", "amount=1&currency=aud&colour=red");
        await h.SendAsync(HttpMethod.Get, "/v1/nowhere");
        await h.SendAsync(HttpMethod.Get, "/v1/payment_intents", apiKey: null);
    }
}
