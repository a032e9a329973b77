namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>systemd/edgesync.service: <c>systemd-analyze verify</c> clean and security exposure ≤ 2.5 (tests/verify-unit.sh).</summary>
public sealed class UnitFileTests
{
    [Fact]
    public async Task Unit_verifies_clean_and_its_exposure_is_at_most_2_5()
    {
        var result = await Shell.RunAsync("bash", [RepoRoot.File("tests", "verify-unit.sh")], TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, $"tests/verify-unit.sh failed (exit {result.ExitCode}):\n{result.Output}");
        var level = System.Text.RegularExpressions.Regex.Match(result.Output, @"security exposure ([0-9.]+)");
        Assert.True(level.Success, result.Output);
        Assert.InRange(double.Parse(level.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0, 2.5);
    }

    [Fact]
    public void Unit_has_the_settings_the_spec_requires()
    {
        var unit = File.ReadAllLines(RepoRoot.File("systemd", "edgesync.service"));
        string[] required =
        [
            "Type=notify", "WatchdogSec=30s", "Restart=on-failure", "StateDirectory=edgesync", "ConfigurationDirectory=edgesync",
            "SupplementaryGroups=gpio", "ProtectSystem=strict", "NoNewPrivileges=yes",
            "ExecStart=/usr/local/bin/edgesync run --config /etc/edgesync/edgesync.json",
        ];
        Assert.All(required, line => Assert.Contains(line, unit));
    }
}
