using Grpc.Core;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>An operator's console polling the fleet: ListStreams, then GetStream of one listed stream (steps "list_streams", "get_stream").</summary>
public static class DirectoryScenario
{
    public static Scenario Create(string name, Fleet fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return Scenario.Create(name, async ctx =>
        {
            var client = fleet.Clients.GetClient(ctx.ScenarioInfo);
            Contract.ListStreamsResponse? list = null;
            var listed = await Step.Run("list_streams", ctx, async () =>
            {
                var request = new Contract.ListStreamsRequest { PageSize = 100 };
                list = await client.ListStreamsAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ctx.CancellationToken).ConfigureAwait(false);
                return Response.Ok(sizeBytes: request.CalculateSize() + list.CalculateSize());
            }).ConfigureAwait(false);
            if (listed.IsError || list is null || list.Streams.Count == 0) return listed;
            var id = list.Streams[ctx.Random.Next(list.Streams.Count)].StreamId;
            return await Step.Run("get_stream", ctx, async () =>
            {
                var request = new Contract.GetStreamRequest { StreamId = id };
                try
                {
                    var got = await client.GetStreamAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ctx.CancellationToken).ConfigureAwait(false);
                    return got.Stream.StreamId == id ? Response.Ok(sizeBytes: request.CalculateSize() + got.CalculateSize()) : Response.Fail(StatusCodes.ClientException, $"GetStream({id}) returned {got.Stream.StreamId}");
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    // Listed a moment ago and closed since: the fleet moves; not the server's failure.
                    return Response.Ok(StatusCodes.FromGrpc(StatusCode.NotFound), request.CalculateSize());
                }
            }).ConfigureAwait(false);
        });
    }
}
