namespace FastAV.Live.LoadTests;

/// <summary>How a threshold fared (NBomber's ThresholdResult): checks run, checks failed, the last error's message.</summary>
public sealed record ThresholdResult(string ScenarioName, string StepName, string CheckExpression, string ExceptionMsg, int ErrorCount, int CheckCount, bool IsFailed);
