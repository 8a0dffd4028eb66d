import NIOCore
import Synchronization

/// The open client connections, at most `limit` of them, each either waiting for a request to arrive whole
/// (*reading*: a keep-alive connection between requests, a slow client, or one that never sends a byte) or having
/// one answered (*answering*).
///
/// ```
/// accept ──► room? ──yes──► admitted (reading) ──request read──► answering ──answer sent──► reading ──► ...
///              │                                                                               │
///              no: close the connection that has been reading longest            close ◄───────┘
///                  (none reading: close the new one)
/// ```
///
/// A full table makes room by closing the connection that has been *reading* the longest, never one being answered:
/// a flood of connections that send nothing, or trickle a byte at a time, then churns through itself, while a
/// provider that connects and sends its request promptly always gets in. Refusing new connections instead (what a
/// plain connection cap does) would hand the gateway to whoever opened their connections first.
public final class ConnectionTable: Sendable {
    /// The most connections open at once.
    public let limit: Int
    private let state: Mutex<State>
    private let metrics: GatewayMetrics

    /// A connection's place in the table.
    public struct Ticket: Hashable, Sendable {
        fileprivate let number: UInt64
    }

    /// Creates an empty table admitting at most `limit` connections; connections closed to make room are counted
    /// as `connections.evicted`, new ones closed for want of room as `connections.refused`.
    public init(limit: Int, metrics: GatewayMetrics = .disabled) {
        self.limit = max(limit, 1)
        self.metrics = metrics
        state = Mutex(State())
    }

    /// Admits a new connection, reading; when the table is full, first closes the connection that has been reading
    /// longest. Returns `nil` when every open connection is being answered: the caller closes the new one.
    public func admit(_ channel: any Channel) -> Ticket? {
        let (ticket, evicted): (Ticket?, (any Channel)?) = state.withLock { state in
            var evicted: (any Channel)?
            if state.entries.count >= limit {
                guard let oldest = state.popLongestReading() else { return (nil, nil) }
                evicted = state.entries.removeValue(forKey: oldest)?.channel
                state.evictions += 1
            }
            let ticket = state.add(channel)
            return (ticket, evicted)
        }
        if let evicted {
            evicted.close(promise: nil)
            metrics.increment("connections.evicted")
            metrics.series.connectionClosed(reason: "evicted")
        }
        if ticket == nil {
            state.withLock { $0.refusals += 1 }
            metrics.increment("connections.refused")
            metrics.series.connectionClosed(reason: "refused")
        }
        return ticket
    }

    /// The connection's request has been read whole: it is being answered and cannot be closed to make room.
    public func answering(_ ticket: Ticket) {
        state.withLock { state in state.entries[ticket.number]?.readingSince = nil }
    }

    /// The connection's answer has been sent: it waits for its next request, and may be closed to make room.
    public func reading(_ ticket: Ticket) {
        state.withLock { state in state.markReading(ticket.number) }
    }

    /// The connection has closed.
    public func closed(_ ticket: Ticket) {
        _ = state.withLock { state in state.entries.removeValue(forKey: ticket.number) }
    }

    /// How many connections are open, and how many were closed to make room or refused since the start.
    public var counts: (open: Int, evicted: Int, refused: Int) {
        state.withLock { ($0.entries.count, $0.evictions, $0.refusals) }
    }

    /// The most connections open at once since the last call, and how many are open now; the next call counts from
    /// now.
    public func takeHighWater() -> (highest: Int, open: Int) {
        state.withLock { state in
            let highest = state.highWater
            state.highWater = state.entries.count
            return (highest, state.entries.count)
        }
    }

    private struct Entry {
        let channel: any Channel
        /// The moment (in table order) the connection began waiting for a request; `nil` while being answered.
        var readingSince: UInt64?
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        /// Reading connections in the order they began reading, oldest first. An element whose entry has since been
        /// answered, read again or closed is stale and skipped: dropping it in place would cost a search.
        var readingOrder: [(number: UInt64, since: UInt64)] = []
        var readingHead = 0
        var nextNumber: UInt64 = 0
        var evictions = 0
        var refusals = 0
        var highWater = 0

        mutating func add(_ channel: any Channel) -> Ticket {
            nextNumber += 1
            let number = nextNumber
            entries[number] = Entry(channel: channel, readingSince: nil)
            highWater = max(highWater, entries.count)
            markReading(number)
            return Ticket(number: number)
        }

        mutating func markReading(_ number: UInt64) {
            guard entries[number] != nil else { return }
            nextNumber += 1
            entries[number]?.readingSince = nextNumber
            readingOrder.append((number, nextNumber))
            compactIfMostlyStale()
        }

        /// The connection that has been reading longest, taken out of the reading order.
        mutating func popLongestReading() -> UInt64? {
            while readingHead < readingOrder.count {
                let candidate = readingOrder[readingHead]
                readingHead += 1
                if let entry = entries[candidate.number], entry.readingSince == candidate.since { return candidate.number }
            }
            return nil
        }

        /// Keeps the reading order within a small multiple of the open connections, whatever the churn.
        mutating func compactIfMostlyStale() {
            guard readingOrder.count > 64, readingOrder.count > 4 * max(entries.count, 1) || readingHead > readingOrder.count / 2 else {
                return
            }
            readingOrder = readingOrder[readingHead...].filter { entries[$0.number]?.readingSince == $0.since }
            readingHead = 0
        }
    }
}
