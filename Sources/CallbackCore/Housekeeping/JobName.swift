/// A periodic job that must run on exactly one replica at a time.
public enum JobName: String, Sendable, CaseIterable, Hashable {
    /// Gives up on notifications a provider never answered for (`temporary-failure`).
    case timeout
    /// Deletes receipts and complaints older than the retention period.
    case retention

    /// The PostgreSQL advisory lock key the job runs under: "cbgw" in ASCII in the high half, so it cannot meet
    /// the migrator's key (which is "cbgw" alone), and one number per job below it.
    public var lockKey: Int64 {
        let base: Int64 = 1_667_393_399 << 32
        return switch self {
        case .timeout: base | 1
        case .retention: base | 2
        }
    }
}
