/// What a singleton job did, as far as its record in `job_runs` needs to know.
public protocol JobResult: Sendable {
    /// The rows the run changed or deleted.
    var rowsAffected: Int { get }
}
