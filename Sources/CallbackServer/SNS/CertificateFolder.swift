import CallbackCore
import Foundation

/// Signing certificates kept in a folder (`SNS_CERTIFICATE_DIR`), for installs that cannot reach Amazon to fetch
/// them, and for the fixtures, whose certificate Amazon never issued.
///
/// A certificate URL's last path component names the file: `.../SimpleNotificationService-abc.pem` is
/// `<folder>/SimpleNotificationService-abc.pem`. The URL has passed ``SNSURLPolicy`` first, so the name is letters,
/// digits, a hyphen and `.pem`, and can never climb out of the folder.
public struct CertificateFolder: SNSCertificateFetcher {
    /// The folder.
    public let path: String

    /// A fetcher reading from `path`.
    public init(path: String) {
        self.path = path
    }

    /// The file's contents; a missing file is an error, never a reason to fetch.
    public func certificate(at url: URL) async throws(SNSCertificateFetchError) -> [UInt8] {
        let name = url.lastPathComponent
        guard SNSURLPolicy.isCertificatePath("/" + name) else { throw .notInFolder(name) }
        guard let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent(name)) else {
            throw .notInFolder(name)
        }
        return Array(data)
    }

    /// The certificate files the folder holds, for the start-up log.
    public func certificateNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { SNSURLPolicy.isCertificatePath("/" + $0) }.sorted()
    }
}
