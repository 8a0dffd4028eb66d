/// Rule 6, **not about delivery**: an event the mapping marks `ignore` (an open, a click, an inbound message) is
/// kept and counted but never applied, never waits and never alerts.
public enum IgnoreRule {
    /// Whether the receipt is ignored.
    public static func applies(to target: MappingTarget?) -> Bool { target == .ignore }
}
