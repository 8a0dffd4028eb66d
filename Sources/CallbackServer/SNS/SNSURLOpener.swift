import Foundation

/// Performs the GETs SNS verification needs: a signing certificate, a subscription confirmation.
///
/// The gateway uses ``URLSessionOpener``; tests give another, since the URLs allowed (Amazon's own) cannot be
/// served locally.
public protocol SNSURLOpener: Sendable {
    /// GETs `url` without following redirects and returns the answer, whatever its status.
    func get(_ url: URL) async throws(SNSHTTPError) -> SNSHTTPAnswer
}
