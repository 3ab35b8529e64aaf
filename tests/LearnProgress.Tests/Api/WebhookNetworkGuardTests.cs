using System.Net;
using System.Net.Http.Json;
using LearnProgress.Api.Webhooks;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Api;

/// <summary>Deliveries stay off loopback, link-local and private networks unless Webhooks:AllowPrivateNetworks is set.</summary>
public sealed class WebhookNetworkGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1::1", true)]
    public void Addresses_are_classified(string address, bool isPublic) =>
        Assert.Equal(isPublic, NetworkGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task The_guarded_handler_refuses_a_real_loopback_receiver_and_the_allowing_one_reaches_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var byName = receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        using var guarded = new HttpClient(NetworkGuard.Handler(allowPrivateNetworks: false));
        using var allowing = new HttpClient(NetworkGuard.Handler(allowPrivateNetworks: true));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(byName, new StringContent("{}")));
        var reached = await allowing.PostAsync(byName, new StringContent("{}"));

        Assert.IsType<PrivateNetworkException>(refused.InnerException);
        Assert.Equal(HttpStatusCode.OK, reached.StatusCode);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Registering_a_private_target_is_refused_by_default()
    {
        await using var app = new LearnProgressApp();
        using var admin = app.Admin();

        foreach (var url in new[] { "http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.0.0.5/hook", "http://[::1]/hook" })
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url })).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["url"], problem.ErrorFields());
        }
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "https://hooks.example.com/in" })).StatusCode);
    }
}
