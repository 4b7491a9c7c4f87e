using KpiPipeline.Testing;
using Microsoft.Playwright;

namespace KpiPipeline.Scorecards.Tests;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>, or <c>KPI_CHROMIUM</c>), driven by Playwright, headless, with a fresh
/// profile and nothing that reaches the network on its own. Playwright's own browser download is never used.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("KPI_CHROMIUM") ?? "/usr/bin/chromium";

    public static Task<IBrowserContext> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} not found: run scripts/setup.sh (it installs Debian's chromium with apt-get).");
        }

        var profile = RepoPaths.NewTempFolder("chromium-profile");
        return playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
            ViewportSize = new ViewportSize { Width = 1280, Height = 1600 },
        });
    }
}
