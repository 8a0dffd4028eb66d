/// Rule 5, **unmapped**: a status the mapping does not know leaves the notification untouched; the receipt is kept
/// so it can be re-applied once the mapping knows the status.
public enum UnmappedRule {
    /// Whether the receipt is unmapped.
    public static func applies(to target: MappingTarget?) -> Bool { target == nil }
}
