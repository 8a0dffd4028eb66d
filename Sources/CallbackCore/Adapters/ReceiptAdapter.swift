/// Turns a provider's request into a ``ProviderMessage``.
///
/// An adapter only parses: it knows the provider's wire format and nothing of the mapping, the rules or storage.
/// Adding a provider means adding one adapter and its rows in the mapping file.
public protocol ReceiptAdapter: Sendable {
    /// The provider whose requests this adapter reads.
    var provider: Provider { get }

    /// The media types the route accepts (lower case, without parameters). A request without a `Content-Type` is
    /// read in the provider's format; one with any other type is refused as unsupported.
    var acceptedMediaTypes: Set<String> { get }

    /// Parses a request.
    ///
    /// - Throws: ``InvalidCallback`` listing every problem found.
    func parse(_ payload: CallbackPayload) throws(InvalidCallback) -> ProviderMessage
}
