using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Wire;

/// <summary>Bad requests get Stripe's error body and status, never a 500.</summary>
public sealed class ValidationTests
{
    private const string Any = StripeAssert.AnyCode;
    private const string Loc = "display_name=Shop&address[country]=AU&address[state]=VIC&address[postal_code]=3000";

    /// <summary>Form bodies sent to create endpoints: (path, body, status, code, param).</summary>
    public static TheoryData<string, string, int, string?, string> BadCreates => new()
    {
        // Unknown parameters, top level and nested, named in bracket notation.
        { "/v1/payment_intents", "amount=1000&currency=aud&colour=red", 400, "parameter_unknown", "colour" },
        { "/v1/payment_intents", "amount=1000&currency=aud&payment_method_options[card_present][tip]=1", 400, "parameter_unknown", "payment_method_options[card_present][tip]" },
        { "/v1/terminal/locations", Loc + "&address[planet]=earth", 400, "parameter_unknown", "address[planet]" },
        { "/v1/terminal/readers", "registration_code=simulated-wpe&serial=1", 400, "parameter_unknown", "serial" },
        { "/v1/refunds", "payment_intent=pi_x&refund_everything=true", 400, "parameter_unknown", "refund_everything" },
        { "/v1/setup_intents", "usage=off_session&card=1", 400, "parameter_unknown", "card" },
        { "/v1/terminal/connection_tokens", "reader=tmr_x", 400, "parameter_unknown", "reader" },

        // Missing required parameters.
        { "/v1/payment_intents", "currency=aud", 400, "parameter_missing", "amount" },
        { "/v1/payment_intents", "amount=1000", 400, "parameter_missing", "currency" },
        { "/v1/terminal/locations", "address[country]=AU", 400, "parameter_missing", "display_name" },
        { "/v1/terminal/readers", "label=Till", 400, "parameter_missing", "registration_code" },

        // Invalid integers.
        { "/v1/payment_intents", "amount=ten&currency=aud", 400, "parameter_invalid_integer", "amount" },
        { "/v1/payment_intents", "amount=10.50&currency=aud", 400, "parameter_invalid_integer", "amount" },
        { "/v1/payment_intents", "amount=1e3&currency=aud", 400, "parameter_invalid_integer", "amount" },
        { "/v1/payment_intents", "amount=99999999999999999999999&currency=aud", 400, "parameter_invalid_integer", "amount" },
        { "/v1/payment_intents", "amount=1000&currency=aud&application_fee_amount=-1", 400, "parameter_invalid_integer", "application_fee_amount" },

        // Invalid enums and booleans.
        { "/v1/payment_intents", "amount=1000&currency=aud&capture_method=later", 400, Any, "capture_method" },
        { "/v1/payment_intents", "amount=1000&currency=aud&payment_method_options[card_present][capture_method]=automatic", 400, Any, "payment_method_options[card_present][capture_method]" },
        { "/v1/payment_intents", "amount=1000&currency=aud&payment_method_options[card_present][routing][requested_priority]=fast", 400, Any, "payment_method_options[card_present][routing][requested_priority]" },
        { "/v1/payment_intents", "amount=1000&currency=aud&payment_method_options[card_present][request_extended_authorization]=yes", 400, Any, "payment_method_options[card_present][request_extended_authorization]" },
        { "/v1/setup_intents", "usage=sometimes", 400, Any, "usage" },

        // Empty strings where a value is needed.
        { "/v1/payment_intents", "amount=1000&currency=", 400, "parameter_invalid_empty", "currency" },
        { "/v1/payment_intents", "amount=&currency=aud", 400, "parameter_invalid_empty", "amount" },
        { "/v1/terminal/locations", "display_name=&address[country]=AU", 400, "parameter_invalid_empty", "display_name" },
        { "/v1/terminal/readers", "registration_code=", 400, "parameter_invalid_empty", "registration_code" },
        { "/v1/terminal/readers", "registration_code=simulated-wpe&location=", 400, "parameter_invalid_empty", "location" },

        // Wrong shapes: a hash where a string goes, a string where a hash goes.
        { "/v1/payment_intents", "amount=1000&currency=aud&description[en]=Latte", 400, Any, "description" },
        { "/v1/terminal/locations", "display_name=Shop&address=Collins St", 400, Any, "address" },
        { "/v1/payment_intents", "amount=1000&currency=aud&metadata=order-1", 400, Any, "metadata" },
        { "/v1/payment_intents", "amount=1000&currency=aud&allowed_payment_method_types=card_present", 400, Any, "allowed_payment_method_types" },
        { "/v1/payment_intents", "amount=1000&currency=aud&allowed_payment_method_types[1]=card_present", 400, Any, "allowed_payment_method_types" },

        // Amounts and currencies.
        { "/v1/payment_intents", "amount=49&currency=aud", 400, "amount_too_small", "amount" },
        { "/v1/payment_intents", "amount=0&currency=aud", 400, "amount_too_small", "amount" },
        { "/v1/payment_intents", "amount=-500&currency=aud", 400, "amount_too_small", "amount" },
        { "/v1/payment_intents", "amount=29&currency=gbp", 400, "amount_too_small", "amount" },
        { "/v1/payment_intents", "amount=100000000&currency=aud", 400, "amount_too_large", "amount" },
        { "/v1/payment_intents", "amount=1000&currency=xyz", 400, Any, "currency" },
        { "/v1/payment_intents", "amount=1000&currency=dollars", 400, Any, "currency" },

        // Over-long strings.
        { "/v1/payment_intents", "amount=1000&currency=aud&statement_descriptor_suffix=" + new string('A', 23), 400, Any, "statement_descriptor_suffix" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task A_bad_create_gets_Stripe_s_error_and_changes_nothing(string path, string form, int status, string? code, string param)
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Post, path, form);

        Assert.Equal((HttpStatusCode)status, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        if (code != Any)
        {
            Assert.Equal(code, response.ErrorCode);
        }

        Assert.Equal(param, response.ErrorParam);
        Assert.False(string.IsNullOrWhiteSpace(response.ErrorMessage));
        Assert.StartsWith("req_", response.RequestId);
        var ledger = h.Emulator.GetLedger();
        Assert.Empty(ledger.PaymentIntents);
        Assert.Empty(ledger.Refunds);
        Assert.Empty((await h.Stripe.V1.Terminal.Locations.ListAsync()).Data);
        Assert.Empty((await h.Stripe.V1.Events.ListAsync()).Data);
    }

    [Fact]
    public async Task The_minimum_and_maximum_amounts_themselves_are_accepted()
    {
        await using var h = new WireHarness();

        var smallest = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 50, Currency = "aud" });
        var largest = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 99_999_999, Currency = "aud" });

        Assert.Equal(50, smallest.Amount);
        Assert.Equal(99_999_999, largest.Amount);
    }

    [Fact]
    public async Task Metadata_limits_are_50_keys_of_40_characters_with_values_of_500()
    {
        await using var h = new WireHarness();
        Dictionary<string, string> Keys(int n) => Enumerable.Range(0, n).ToDictionary(i => $"k{i}", i => "v");

        var fifty = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", Metadata = Keys(50) });
        var longest = await h.Stripe.V1.Terminal.Locations.UpdateAsync((await h.CreateLocationAsync()).Id, new LocationUpdateOptions
        {
            Metadata = new Dictionary<string, string> { [new string('k', 40)] = new string('v', 500) },
        });
        var tooMany = await StripeAssert.FailsAsync(
            () => h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", Metadata = Keys(51) }),
            HttpStatusCode.BadRequest, Any);
        var longKey = await StripeAssert.FailsAsync(
            () => h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-wpe", Metadata = new Dictionary<string, string> { [new string('k', 41)] = "v" } }),
            HttpStatusCode.BadRequest, Any);
        var longValue = await StripeAssert.FailsAsync(
            () => h.Stripe.V1.PaymentIntents.UpdateAsync(fifty.Id, new PaymentIntentUpdateOptions { Metadata = new Dictionary<string, string> { ["k0"] = new string('v', 501) } }),
            HttpStatusCode.BadRequest, Any);
        var fiftyFirstByUpdate = await StripeAssert.FailsAsync(
            () => h.Stripe.V1.PaymentIntents.UpdateAsync(fifty.Id, new PaymentIntentUpdateOptions { Metadata = new Dictionary<string, string> { ["one_more"] = "v" } }),
            HttpStatusCode.BadRequest, Any);

        Assert.Equal(50, fifty.Metadata.Count);
        Assert.Equal(new string('v', 500), longest.Metadata[new string('k', 40)]);
        Assert.All(new[] { tooMany, longKey, longValue, fiftyFirstByUpdate }, e => Assert.StartsWith("metadata", e.StripeError.Param));
        Assert.Equal(50, (await h.Stripe.V1.PaymentIntents.GetAsync(fifty.Id)).Metadata.Count);
        Assert.Equal("v", (await h.Stripe.V1.PaymentIntents.GetAsync(fifty.Id)).Metadata["k0"]);
    }

    [Fact]
    public async Task Empty_strings_unset_what_can_be_unset_and_are_refused_where_not()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();
        var intent = await h.CreateIntentAsync();

        var badName = await h.SendAsync(HttpMethod.Post, $"/v1/terminal/locations/{location.Id}", "display_name=");
        var badAmount = await h.SendAsync(HttpMethod.Post, $"/v1/payment_intents/{intent.Id}", "amount=");
        var clearedMetadata = await h.SendAsync(HttpMethod.Post, $"/v1/payment_intents/{intent.Id}", "metadata=");

        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
        Assert.Equal("parameter_invalid_empty", badName.ErrorCode);
        Assert.Equal("display_name", badName.ErrorParam);
        Assert.Equal("parameter_invalid_empty", badAmount.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, clearedMetadata.Status);
    }

    [Theory]
    [InlineData("GET", "/v1/payment_intents/pi_missing", "payment_intent")]
    [InlineData("GET", "/v1/terminal/readers/tmr_missing", "terminal.reader")]
    [InlineData("GET", "/v1/terminal/locations/tml_missing", "terminal.location")]
    [InlineData("GET", "/v1/refunds/re_missing", "refund")]
    [InlineData("GET", "/v1/charges/ch_missing", "charge")]
    [InlineData("GET", "/v1/setup_intents/seti_missing", "setupintent")]
    [InlineData("GET", "/v1/events/evt_missing", "event")]
    [InlineData("POST", "/v1/payment_intents/pi_missing/capture", "payment_intent")]
    [InlineData("POST", "/v1/terminal/readers/tmr_missing/process_payment_intent", "terminal.reader")]
    [InlineData("POST", "/v1/terminal/readers/tmr_missing/cancel_action", "terminal.reader")]
    [InlineData("POST", "/v1/test_helpers/terminal/readers/tmr_missing/present_payment_method", "terminal.reader")]
    [InlineData("DELETE", "/v1/terminal/readers/tmr_missing", "terminal.reader")]
    [InlineData("DELETE", "/v1/terminal/locations/tml_missing", "terminal.location")]
    public async Task Unknown_ids_are_404_resource_missing(string method, string path, string what)
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(new HttpMethod(method), path, method == "POST" && path.EndsWith("process_payment_intent") ? "payment_intent=pi_x" : null);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Equal("resource_missing", response.ErrorCode);
        Assert.Contains($"No such {what}: '{path.Split('/')[path.Contains("test_helpers") ? 5 : path.StartsWith("/v1/terminal") ? 4 : 3]}'", response.ErrorMessage);
    }

    [Theory]
    [InlineData("GET", "/v1/nothing_here")]
    [InlineData("GET", "/v2/payment_intents")]
    [InlineData("GET", "/v1/terminal")]
    [InlineData("DELETE", "/v1/payment_intents/pi_123")]
    [InlineData("PUT", "/v1/payment_intents")]
    [InlineData("PATCH", "/v1/terminal/readers/tmr_1")]
    [InlineData("POST", "/v1/terminal/readers/tmr_1/self_destruct")]
    [InlineData("POST", "/v1/test_helpers/terminal/readers/tmr_1/tap_twice")]
    [InlineData("POST", "/v1/charges")] // GET /v1/charges is served now (the payment_intent filter); creating charges is not Terminal
    [InlineData("GET", "/")]
    public async Task Unknown_urls_are_404_unrecognized_request_url(string method, string path)
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.StartsWith("Unrecognized request URL", response.ErrorMessage);
    }

    [Fact]
    public async Task A_request_without_an_api_key_is_401()
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Get, "/v1/payment_intents", apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Contains("API key", response.ErrorMessage);
    }

    [Theory]
    [InlineData("sk_" + "live_51H0wLiveKeyThatMustNeverLeak")]
    [InlineData("rk_" + "live_51H0wRestrictedLiveKeyNoLeak")]
    [InlineData("pk_test_51H0wPublishableKeyNoLeak")]
    [InlineData("not_a_key_at_all_9f8e7d6c")]
    public async Task Invalid_and_live_keys_are_401_and_the_key_never_comes_back(string key)
    {
        await using var h = new WireHarness();
        var stripe = h.Client(apiKey: key);

        var e = await StripeAssert.FailsAsync(() => stripe.V1.PaymentIntents.ListAsync(), HttpStatusCode.Unauthorized, Any);
        var raw = await h.SendAsync(HttpMethod.Post, "/v1/payment_intents", "amount=1000&currency=aud", apiKey: key);

        Assert.DoesNotContain(key, e.StripeError.Message);
        Assert.DoesNotContain(key[8..], e.Message);
        Assert.DoesNotContain(key[8..], raw.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, raw.Status);
        Assert.Empty(h.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task A_test_key_sent_with_basic_auth_is_accepted()
    {
        await using var h = new WireHarness();
        using var http = h.RawHttp(apiKey: null);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("sk_test_basic:"u8.ToArray()));

        using var response = await http.GetAsync("/v1/payment_intents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_answer_carries_a_unique_request_id_and_the_api_version()
    {
        await using var h = new WireHarness();
        using var http = h.RawHttp();

        using var ok = await http.GetAsync("/v1/terminal/readers");
        using var notFound = await http.GetAsync("/v1/terminal/readers/tmr_x");
        using var bad = await http.PostAsync("/v1/payment_intents", new FormUrlEncodedContent([]));

        var ids = new[] { ok, notFound, bad }.Select(r => r.Headers.GetValues("Request-Id").Single()).ToList();
        Assert.All(ids, id => Assert.Matches("^req_[0-9a-f]+$", id));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(new[] { ok, notFound, bad }, r => Assert.Equal(StripeEmulator.ApiVersion, r.Headers.GetValues("Stripe-Version").Single()));
        Assert.All(new[] { ok, notFound, bad }, r => Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType));
    }

    [Theory]
    [InlineData("amount[=1000&currency=aud")]
    [InlineData("amount]=1000&currency=aud")]
    [InlineData("[amount]=1000&currency=aud")]
    [InlineData("amount=1000&amount[x]=1&currency=aud")]
    [InlineData("metadata[a]=1&metadata[a][b]=2&amount=1000&currency=aud")]
    [InlineData("amount=1000&currency=aud&metadata[a]b=1")]
    [InlineData("amount=%ZZ&currency=aud")]
    [InlineData("=&amount=1000&currency=aud")]
    public async Task Malformed_form_keys_are_a_400_not_a_500(string form)
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Post, "/v1/payment_intents", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
    }

    [Theory]
    [InlineData("type=card_present&card_present[number]=numeric", "card_present[number]")]
    [InlineData("type=card_present&card_present[number]=42", "card_present[number]")]
    [InlineData("type=card_present&card_present[number]=4242%204242%204242%204242", "card_present[number]")]
    [InlineData("type=interac_present&interac_present[number]=x", "interac_present[number]")]
    [InlineData("type=card&card[number]=1234", "card[number]")]
    public async Task A_card_number_that_is_not_one_is_a_400_on_present_payment_method(string form, string param)
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync();
        var intent = await h.CreateIntentAsync();
        await h.Stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id });

        var response = await h.SendAsync(HttpMethod.Post, $"/v1/test_helpers/terminal/readers/{reader.Id}/present_payment_method", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(param, response.ErrorParam);
        Assert.Equal("in_progress", (await h.Stripe.V1.Terminal.Readers.GetAsync(reader.Id)).Action.Status);
    }

    [Fact]
    public async Task Repeated_scalar_keys_take_the_last_value_as_Stripe_does()
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Post, "/v1/payment_intents", "amount=1000&amount=2000&currency=aud");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2000, response.Json.GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task Query_parameters_on_a_get_are_validated_like_a_body()
    {
        await using var h = new WireHarness();

        var unknown = await h.SendAsync(HttpMethod.Get, "/v1/terminal/readers", "colour=red");
        var badLimit = await h.SendAsync(HttpMethod.Get, "/v1/payment_intents", "limit=lots");
        var getWithParam = await h.SendAsync(HttpMethod.Get, "/v1/events", "typ=x");

        Assert.Equal("parameter_unknown", unknown.ErrorCode);
        Assert.Equal("colour", unknown.ErrorParam);
        Assert.Equal("parameter_invalid_integer", badLimit.ErrorCode);
        Assert.Equal("limit", badLimit.ErrorParam);
        Assert.Equal("typ", getWithParam.ErrorParam);
    }
}
