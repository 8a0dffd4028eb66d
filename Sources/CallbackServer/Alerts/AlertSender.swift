/// Delivers one alert's text to operators.
///
/// ``UnmappedAlerter`` talks to this rather than to a webhook directly, so that the transport can be swapped (a
/// webhook today; a pager or a chat API tomorrow) without touching the counting and cooldown logic.
public protocol AlertSender: Sendable {
    /// Delivers `text`, or throws when it was not delivered.
    ///
    /// Must return promptly when the calling task is cancelled (throwing `CancellationError`), so that the service
    /// group's shutdown is never held up by a slow receiver. An error's description is logged, so it must not
    /// contain credentials.
    func send(text: String) async throws
}
