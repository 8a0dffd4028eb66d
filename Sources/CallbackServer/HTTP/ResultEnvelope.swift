import Foundation
import Hummingbird

/// The `{"result": ...}` bodies of the HTTP contract.
enum ResultEnvelope {
    private struct Body: Encodable {
        var result: String
        var outcome: String?
        var status: String?
        var message: [String]?
    }

    /// 200 for a stored receipt: its outcome, and the status written when there was one.
    static func success(outcome: String, status: String? = nil) -> Response {
        response(.ok, Body(result: "success", outcome: outcome, status: status))
    }

    /// An error answer listing every problem.
    static func error(_ status: HTTPResponse.Status, _ messages: [String], headers: HTTPFields = [:]) -> Response {
        response(status, Body(result: "error", message: messages), headers: headers)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static func response(_ status: HTTPResponse.Status, _ body: Body, headers: HTTPFields = [:]) -> Response {
        // Encoding strings and optionals cannot fail; the fallback keeps a broken encoder from becoming a 500.
        let data = (try? encoder.encode(body)) ?? Data(#"{"result":"error"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
