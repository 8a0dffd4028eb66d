/// Lines waiting to be sent, packed into datagrams of at most `maxBytes`.
///
/// StatsD servers accept several newline-separated lines per datagram; packing them saves a system call and a
/// packet per metric. The buffer only decides what goes out when; it never sends, so it can live under a lock
/// that is held for no longer than a string append.
struct StatsDLineBuffer: Sendable {
    /// The largest payload of one datagram.
    let maxBytes: Int
    private var pending = ""
    private var pendingBytes = 0

    init(maxBytes: Int) {
        self.maxBytes = max(maxBytes, 1)
    }

    /// Adds a line (or several lines that must stay together) and returns the payloads that must go out now,
    /// oldest first: the buffered lines when this one does not fit after them, and this one on its own when it
    /// alone exceeds `maxBytes`. Such a line is sent alone rather than dropped, because the network may still
    /// deliver it (fragmented, or over loopback), while dropping it would lose it for certain.
    mutating func append(_ line: String) -> [String] {
        let bytes = line.utf8.count
        if pendingBytes > 0, pendingBytes + 1 + bytes <= maxBytes {
            pending += "\n"
            pending += line
            pendingBytes += 1 + bytes
            return []
        }
        var ready: [String] = []
        if let buffered = drain() { ready.append(buffered) }
        if bytes > maxBytes {
            ready.append(line)
        } else {
            pending = line
            pendingBytes = bytes
        }
        return ready
    }

    /// Takes everything buffered, as one payload, or `nil` when there is nothing.
    mutating func drain() -> String? {
        guard pendingBytes > 0 else { return nil }
        let payload = pending
        pending = ""
        pendingBytes = 0
        return payload
    }
}
