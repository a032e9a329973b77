using System.Net;
using System.Text;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// A backup imported into one member reaches the others by anti-entropy, also when it was written by
/// a node outside the fleet (an export from another install), deleted keys staying deleted.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class ImportSpreadTests
{
    [Fact]
    public async Task An_export_from_another_install_imported_into_one_member_reaches_every_member()
    {
        string export;
        using (var dir = new TempDir())
        await using (var other = await AgentProcess.StartAsync(dir.Path, "elsewhere"))
        {
            await Api("PUT", other.Http, "imp/kept", "\"from elsewhere\"");
            await Api("PUT", other.Http, "imp/gone", "1");
            await Api("DELETE", other.Http, "imp/gone", null);
            export = await other.Http.GetStringAsync("v1/export?prefix=imp/");
        }

        await using var rig = await FleetRig.StartAsync(TestBroker.Mosquitto);
        await rig["n2"].Api.PutAsync("imp/gone", "\"written in the fleet\""); // concurrent with the delete elsewhere
        using var content = new StringContent(export, Encoding.UTF8, "application/x-ndjson");
        using var imported = await rig["n1"].Agent.Http.PostAsync("v1/import", content);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        // Every member ends with the imported value, and with the fleet's own write of imp/gone
        // (the delete elsewhere never saw it, so it does not remove it).
        await rig.WaitConvergedAsync(new Dictionary<string, string[]>
        {
            ["imp/kept"] = ["\"from elsewhere\""],
            ["imp/gone"] = ["\"written in the fleet\""],
        }, TimeSpan.FromSeconds(30));
    }

    private static async Task Api(string method, HttpClient http, string key, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "v1/kv/" + key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
