import CallbackCore

/// What happened when a replica tried to run a singleton job for a period.
public enum JobOutcome<Result: JobResult>: Sendable {
    /// This replica ran the job and recorded the run.
    case ran(Result, period: JobPeriod, duration: Duration)
    /// A run for this period had already finished (on any replica): nothing was done.
    case alreadyDone(period: JobPeriod)
    /// Another replica holds the job's lock and is running it now: nothing was done.
    case busy(period: JobPeriod)
}
