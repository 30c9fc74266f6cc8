namespace FastAV.Live.LoadTests;

/// <summary>What ran where (NBomber's TestInfo and NodeInfo in one): session, suite and name, start time (UTC), machine, target, and notes for the reader.</summary>
public sealed record TestInfo(string SessionId, string TestSuite, string TestName, DateTime Created, string Machine, string Target, IReadOnlyList<string> Notes);
