using System.Threading.Channels;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Services;

/// <summary>
/// One Ask call: the question goes to the stream's engine, tokens come back as AnswerChunks with the text generated
/// since the previous chunk, then a last chunk with the complete Answer. If the caller leaves (deadline, cancel),
/// the question is withdrawn from the engine.
/// </summary>
internal sealed class AskCall : IQuestionSink
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private string _sent = "";

    public void Progress(string textSoFar, int tokenCount, float confidence) => _events.Writer.TryWrite((textSoFar, tokenCount, confidence));

    public void Completed(Answer answer)
    {
        _events.Writer.TryWrite(answer);
        _events.Writer.TryComplete();
    }

    public void Failed(Status status)
    {
        _events.Writer.TryWrite(status);
        _events.Writer.TryComplete();
    }

    public async Task RunAsync(EngineLoop loop, EngineStream stream, string questionId, Question question, int maxTokens, IServerStreamWriter<AnswerChunk> responses, CancellationToken cancellationToken)
    {
        var engineId = loop.Ask(stream, questionId, question.Text, maxTokens, this);
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (e)
                {
                    case (string text, int tokens, float confidence):
                        var delta = Delta(text);
                        if (delta.Length > 0)
                        {
                            await responses.WriteAsync(new AnswerChunk { QuestionId = questionId, Text = delta, TokenCount = (uint)tokens, Confidence = confidence }, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case Answer answer:
                        answer.QuestionId = questionId;
                        await responses.WriteAsync(new AnswerChunk { QuestionId = questionId, Text = Final(answer.Text), TokenCount = answer.TokenCount, Done = true, Answer = answer, Confidence = answer.Confidence }, cancellationToken).ConfigureAwait(false);
                        return;
                    case Status status:
                        throw new RpcException(status);
                }
            }
        }
        catch (OperationCanceledException)
        {
            loop.Cancel(stream, engineId);
            throw;
        }
    }

    // Text since the last chunk; a trailing U+FFFD (a code point still incomplete) waits for the next token.
    private string Delta(string textSoFar)
    {
        var stable = textSoFar.TrimStart().TrimEnd('\uFFFD');
        if (!stable.StartsWith(_sent, StringComparison.Ordinal) || stable.Length == _sent.Length) return "";
        var delta = stable[_sent.Length..];
        _sent = stable;
        return delta;
    }

    // The complete answer (trimmed) less what the chunks already carried.
    private string Final(string answerText)
    {
        return answerText.StartsWith(_sent, StringComparison.Ordinal) ? answerText[_sent.Length..] : "";
    }
}
