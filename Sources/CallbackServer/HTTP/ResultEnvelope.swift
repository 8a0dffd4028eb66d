import Hummingbird

/// The `{"result": ...}` bodies of the HTTP contract, keys in sorted order.
enum ResultEnvelope {
    /// 200 for a stored receipt: its outcome, and the status written when there was one.
    static func success(outcome: String, status: String? = nil) -> Response {
        var body = #"{"outcome":"# + JSONQuoting.quoted(outcome) + #","result":"success""#
        if let status { body += #","status":"# + JSONQuoting.quoted(status) }
        return response(.ok, body + "}")
    }

    /// 200 for a batch of events, all stored: how many got each outcome (`{"outcome":"batch","outcomes":{"applied":2},...}`).
    static func batch(outcomes: [String: Int]) -> Response {
        let counts = outcomes.sorted { $0.key < $1.key }.map { JSONQuoting.quoted($0.key) + ":" + String($0.value) }.joined(separator: ",")
        return response(.ok, #"{"outcome":"batch","outcomes":{"# + counts + #"},"result":"success"}"#)
    }

    /// An error answer listing every problem.
    static func error(_ status: HTTPResponse.Status, _ messages: [String], headers: HTTPFields = [:]) -> Response {
        let list = messages.map(JSONQuoting.quoted).joined(separator: ",")
        return response(status, #"{"message":["# + list + #"],"result":"error"}"#, headers: headers)
    }

    private static func response(_ status: HTTPResponse.Status, _ body: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
