import CallbackCore
import Foundation
import Synchronization

/// The `SigningCertURL` texts that ``SNSURLPolicy`` has passed, with the URL it made of each.
///
/// Every SNS message names its certificate's URL, and SNS uses very few (one a region at a time), while checking
/// one parses it with Foundation's `URLComponents`: a tenth of an SES receipt's cost in the gateway. The policy is a
/// pure function of the text, so its answer is kept. Only texts that passed are kept, and at most `capacity` of
/// them (the memo starts again when full), so forged messages naming ever new URLs cannot grow it.
final class CertificateURLMemo: Sendable {
    private let passed = Mutex<[String: URL]>([:])
    private let capacity: Int

    init(capacity: Int = 64) {
        self.capacity = capacity
    }

    /// The URL of `text` that ``SNSURLPolicy/signingCertificateURL(_:)`` gives, or its refusal.
    func signingCertificateURL(_ text: String) throws(SNSURLProblem) -> URL {
        if let url = passed.withLock({ $0[text] }) { return url }
        let url = try SNSURLPolicy.signingCertificateURL(text)
        passed.withLock { passed in
            if passed.count >= capacity { passed.removeAll(keepingCapacity: true) }
            passed[text] = url
        }
        return url
    }

    /// How many passed texts are kept.
    var count: Int { passed.withLock { $0.count } }
}
