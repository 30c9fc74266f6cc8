using FastAV.Live.LoadTests.Scenarios;

namespace FastAV.Live.LoadTests.Cli;

/// <summary>The --help text.</summary>
public static class Usage
{
    public static string Text()
    {
        var scenarios = string.Join(Environment.NewLine, ScenarioCatalog.Descriptions.Select(d => $"  {d.Key,-16} {d.Value}"));
        return $$"""
            fastav-load: NBomber-style load tests of a FastAV.Live server (loadtests/README.md)

            usage: fastav-load SCENARIO [--target HOST:PORT] [--out DIR] [options] [-- fastav serve options]
                   loadtests/run.sh SCENARIO ...   (builds what is missing, then runs this)

            scenarios:
            {{scenarios}}

            where:
              --target HOST:PORT   the server (or http(s)://HOST:PORT); default: start `fastav serve` on a free loopback port, stop it after
              --out DIR            reports: report.html (SVG plots), report.md, report.csv, report.txt, report.json
                                   (default reports/SCENARIO/yyyyMMdd-HHmmss)
              --model DIR          passed to the local `fastav serve` (and named in capacity rows)
              --fastav PATH        fastav.dll or executable to start (default: the repository's Release build)
              --serve-port N       port of the local server (default 0: a free one)
              -- ARGS              everything after -- is passed to `fastav serve` verbatim
            load:
              --streams N          cameras (scenario default)      --duration T   measured time (scenario default)
              --ramp T             camera-fleet ramp-up (30 s)     --warmup T     warm-up, left out of stats
              --rate N             Ask calls per second (ask-storm 5, smoke 1)
              --policy P           pruning policy of the streams: fastav (default), none, random, low_attentive, fastv, dart, divprune, metok
              --standing N         standing questions per stream (2)   --interval-ms MS  between askings (2000)
              --max-tokens N       answer tokens per question (4)      --fast  send media as fast as the server takes it
              --channels N         gRPC connections in the client pool (4)
              --shared-connections hostile-mix: hostile clients on the healthy ones' connections (default: their own)
              --hostile-cases A,B  hostile-mix: only these cases (default all: {{string.Join(", ", HostileCase.All.Select(c => c.Name))}})
              --max-fail-count N   abort when a scenario's failed requests exceed this (5000)
              --seed N             media and arrival randomness (1)
            media (made once per run, reused by every stream):
              --media FILE         stream this file (any container FFmpeg reads) instead of the generated world clip
              --media-seconds N    length of the generated clip (60)   --video-size WxH  scale it (default the world's 32x32)
            results:
              --late-ms MS         a standing answer later than this after its window closed is late (1000)
              --threshold EXPR     add a threshold (repeatable), e.g. "camera/standing_answer: OkLatency p95 < 1000",
                                   "camera: Streaming windows_dropped == 0 abort=1 after=10"; types: OkRequest FailRequest
                                   OkLatency FailLatency OkDataTransfer StatusCode Streaming Warning
              --note TEXT          a line for the report's test info (repeatable)
              --no-live            progress lines instead of the live view
            capacity:
              --policies A,B       capacity arms / soak scenarios (default none,fastav)         --limit-ms MS  p95 criterion (1000)
              --start-streams N    first level (4)                     --max-streams N  (256)
              --level-duration T   per level (20 s)                    --stagger-ms MS  start copies over this (1000)
              --json PATH          capacity JSON (default OUT/capacity.json)
            soak:
              --speed X            media time per wall-clock time (1 = real time; 12 pushes an hour of media in 5 minutes)
              --results PREFIX     the memory report: PREFIX.json, PREFIX.md, PREFIX.svg (default OUT/soak)
              --drift-check LIST   figures whose drift after warm-up decides the exit code (rss,heap,tensors,kv: all)
              --max-drift-pct P    largest drift allowed, % of the figure's mean over the measured time (5)

            durations: 90, 90s, 500ms, 5m, 1h or hh:mm:ss
            exit codes: 0 every threshold held; 1 a threshold failed or the run was aborted; 2 bad arguments;
                        3 the target could not be reached or the media/server could not be prepared
            """;
    }
}
