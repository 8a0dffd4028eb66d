import CallbackCore
import FixtureSigning
import Foundation

/// The options of `sign-fixtures` and the run over every fixture file they name.
struct SignFixturesCommand {
    /// The certificate URL the fixtures name: an SNS host and certificate path, so the gateway's URL policy passes,
    /// and a file name the fixture certificate folder (`fixtures/sns`) holds.
    static let defaultCertificateURL = "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-fixture.pem"

    var keyPath = "fixtures/sns/fixture-signing-key.pem"
    var certificateURL = defaultCertificateURL
    var paths: [String] = []

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--key":
                guard let value = remaining.popFirst() else { throw UsageError("--key needs a file") }
                keyPath = value
            case "--certificate-url":
                guard let value = remaining.popFirst() else { throw UsageError("--certificate-url needs a URL") }
                certificateURL = value
            case "-h", "--help":
                throw UsageError(Self.usage)
            default:
                if argument.hasPrefix("-") { throw UsageError("unknown option \(argument)\n\(Self.usage)") }
                paths.append(argument)
            }
        }
        if paths.isEmpty { paths = ["fixtures"] }
        do {
            _ = try SNSURLPolicy.signingCertificateURL(certificateURL)
        } catch {
            throw UsageError("--certificate-url \(certificateURL) would be refused by the gateway: \(error)")
        }
    }

    static let usage = """
        usage: sign-fixtures [--key FILE] [--certificate-url URL] [PATH...]
          Re-signs every fixture (.receipt) under PATH (default: fixtures): SES ones with the key in FILE
          (default: fixtures/sns/fixture-signing-key.pem), naming URL as the signing certificate
          (default: \(defaultCertificateURL)); the other providers' with the test secrets in fixtures/keys.
        """

    /// Signs every SES fixture under the paths, in path order.
    func run() throws(UsageError) -> SignReport {
        let key: String
        do {
            key = try String(contentsOfFile: keyPath, encoding: .utf8)
        } catch {
            throw UsageError("cannot read the key \(keyPath): run from the project root, or pass --key")
        }
        let providers: ProviderRequestSigner
        do {
            providers = try ProviderRequestSigner.fixtureSecrets(root: FileManager.default.currentDirectoryPath)
        } catch {
            throw UsageError("\(error.description): run from the project root")
        }
        let resigner = FixtureResigner(signer: SNSMessageSigner(privateKeyPEM: key), certificateURL: certificateURL, providers: providers)
        var report = SignReport()
        for file in try receiptFiles() {
            report.add(file, resigner.resign(file: file))
        }
        return report
    }

    private func receiptFiles() throws(UsageError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw UsageError("\(path) does not exist")
            }
            if !isFolder.boolValue {
                files.append(path)
                continue
            }
            let entries = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
            files += entries.filter { $0.hasSuffix(".receipt") }.map { (path as NSString).appendingPathComponent($0) }
        }
        return files.sorted()
    }
}
