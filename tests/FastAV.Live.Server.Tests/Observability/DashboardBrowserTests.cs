using System.Globalization;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Microsoft.Playwright;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// /dashboard in a real browser: Playwright drives Debian's chromium (never a browser of its own) while a camera
/// streams into the real host; the page shows the stream, its labels, media, windows, KV memory and tokens kept, and
/// its answers with their latency as they come — then the stream's end, without a reload. A screenshot is kept at
/// bin/Release/net10.0/artifacts/dashboard.png beside the test assembly.
/// </summary>
public sealed class DashboardBrowserTests
{
    public const string Chromium = "/usr/bin/chromium";

    // The flags that keep Chromium off the network and quiet here (no sandbox: tests may run as root).
    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    [Fact]
    public async Task The_dashboard_shows_a_live_stream_and_its_answers_in_chromium()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/setup.sh installs Debian's chromium package");
        await using var server = await ObservedServer.StartAsync("--Dashboard:RefreshInterval", "00:00:00.250");
        using var channel = server.CreateChannel();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var pageErrors = new List<string>();
        page.PageError += (_, e) => pageErrors.Add(e);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);

        await page.GotoAsync(new Uri(server.HttpAddress, "/dashboard").ToString());
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#readiness")).ToHaveTextAsync("ready");

        var (_, status) = await TestCamera.RunAsync(
            channel,
            TestCamera.Open("browser-cam", TestCamera.Standing("colour", "what colour is the square?")),
            6,
            pace: TimeSpan.FromMilliseconds(300),
            between: w => w == 2 ? [new StreamRequest { Question = new Question { QuestionId = "q-call", Text = "what appeared in the last three seconds?", MaxTokens = 8 } }] : [],
            whileOpen: async () =>
            {
                // While the stream is still open, the page has drawn it from the server's events.
                var card = page.Locator("[data-stream-id='browser-cam']");
                await Assertions.Expect(card).ToBeVisibleAsync();
                await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
                await Assertions.Expect(card.Locator("h2")).ToHaveTextAsync("browser-cam");
                await Assertions.Expect(card.Locator(".label").First).ToHaveTextAsync("camera=lobby");
                // Five of the six windows are complete while the stream is open (the last one closes when the client finishes).
                await Assertions.Expect(card.Locator(".prefilled b")).ToHaveTextAsync("5", new() { Timeout = 30_000 });
                await Assertions.Expect(card.Locator("tr.answer[data-question-id='q-call']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
                await Assertions.Expect(card.Locator("tr.answer[data-question-id='colour']").First).ToBeVisibleAsync();
                await Assertions.Expect(card.Locator(".answer-text").First).Not.ToBeEmptyAsync();
                await Assertions.Expect(card.Locator(".latency").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d ms$"));
                Assert.True(int.Parse(await card.Locator("svg").GetAttributeAsync("data-kv-points") ?? "0", CultureInfo.InvariantCulture) >= 5, "a KV point per prefilled window");
                Assert.Matches(@"^KV cache \d+(\.\d)? KiB of \d+(\.\d)? KiB \(\d+ %\)$", await card.Locator(".kv-text").TextContentAsync());
                Assert.Matches(@"^\d+\.\d %$", await card.Locator(".tokens-kept b").TextContentAsync());
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            });
        Assert.Equal(StatusCode.OK, status.StatusCode);

        // The stream ended: the page follows without a reload.
        await Assertions.Expect(page.Locator("[data-stream-id='browser-cam']")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        Assert.Empty(pageErrors);
    }
}
