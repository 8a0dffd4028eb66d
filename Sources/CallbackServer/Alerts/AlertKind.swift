/// What an alert is about; each kind has its own wording and its own keys.
enum AlertKind: Hashable, Sendable {
    /// A status the mapping does not know: the receipt was stored as `unmapped`, its notification left untouched.
    case unmappedStatus
    /// A detail code the mapping does not list for a status that has codes: the status's own mapping was used.
    case unknownDetailCode
}
