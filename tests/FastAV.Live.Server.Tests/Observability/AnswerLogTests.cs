using System.Collections.Concurrent;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>Answers in the log: ids and numbers at Debug by default; question and answer text at Information only with Logging:IncludeQuestionText.</summary>
public sealed class AnswerLogTests
{
    private const string AskedText = "what appeared in the last three seconds?";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Question_text_is_logged_only_when_the_option_enables_it(bool includeText)
    {
        var entries = new ConcurrentQueue<(LogLevel Level, int EventId, string Message)>();
        await using var app = ServerHost.Build(
            ["--urls", "http://127.0.0.1:0", "--Server:HttpUrls=", "--Inference:Model", Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny"),
                "--Inference:MaxBacklogSeconds", "60", "--Logging:IncludeQuestionText", includeText ? "true" : "false"],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
                builder.Logging.AddProvider(new CapturingLoggerProvider(entries));
            });
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var (_, status) = await TestCamera.RunAsync(channel, TestCamera.Open("log-cam"), 3,
            between: w => w == 1 ? [new StreamRequest { Question = new Question { QuestionId = "q-call", Text = AskedText, MaxTokens = 8 } }] : []);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        await app.StopAsync();

        var answered = entries.Where(e => e.EventId is 1950 or 1951 && e.Message.Contains("q-call", StringComparison.Ordinal)).ToList();
        var entry = Assert.Single(answered);
        if (includeText)
        {
            Assert.Equal(LogLevel.Information, entry.Level);
            Assert.Contains($"question \"{AskedText}\" answered \"", entry.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(LogLevel.Debug, entry.Level);
            Assert.DoesNotContain(entries, e => e.Message.Contains(AskedText, StringComparison.Ordinal));
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<(LogLevel, int, string)> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, int, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
