import CallbackCore
import Testing

@Suite("ResolvedHostCache")
struct ResolvedHostCacheTests {
    let start = ContinuousClock.now
    let one = [IPAddress("192.0.2.1")!]
    let two = [IPAddress("192.0.2.2")!, IPAddress("2001:db8::2")!]

    @Test("an answer is used for its lifetime and not a moment longer; names are case-insensitive")
    func lifetime() {
        var cache = ResolvedHostCache(lifetime: .seconds(30))
        #expect(cache.addresses(of: "hooks.example", at: start) == nil)
        cache.store(two, of: "Hooks.Example", at: start)
        #expect(cache.addresses(of: "hooks.example", at: start) == two)
        #expect(cache.addresses(of: "HOOKS.EXAMPLE", at: start + .seconds(29)) == two)
        #expect(cache.addresses(of: "hooks.example", at: start + .seconds(30)) == nil)
        cache.store(one, of: "hooks.example", at: start + .seconds(30))
        #expect(cache.addresses(of: "hooks.example", at: start + .seconds(31)) == one, "a new answer replaces the old")
    }

    @Test("an empty answer is not kept, nor anything with a lifetime of zero; a forgotten host is looked up again")
    func notKept() {
        var cache = ResolvedHostCache(lifetime: .seconds(30))
        cache.store([], of: "nowhere.example", at: start)
        #expect(cache.addresses(of: "nowhere.example", at: start) == nil)
        cache.store(one, of: "hooks.example", at: start)
        cache.forget("HOOKS.example")
        #expect(cache.addresses(of: "hooks.example", at: start) == nil)
        #expect(cache.count == 0)

        var none = ResolvedHostCache(lifetime: .zero)
        none.store(one, of: "hooks.example", at: start)
        #expect(none.addresses(of: "hooks.example", at: start) == nil)
    }

    @Test("at capacity, one more host drops the expired ones, else the one resolved longest ago")
    func capacity() {
        var cache = ResolvedHostCache(lifetime: .seconds(10), capacity: 3)
        cache.store(one, of: "a.example", at: start)
        cache.store(one, of: "b.example", at: start + .seconds(5))
        cache.store(one, of: "c.example", at: start + .seconds(6))
        cache.store(two, of: "d.example", at: start + .seconds(7))
        #expect(cache.count == 3)
        #expect(cache.addresses(of: "a.example", at: start + .seconds(7)) == nil, "the oldest made room")
        #expect(cache.addresses(of: "b.example", at: start + .seconds(7)) == one)
        #expect(cache.addresses(of: "d.example", at: start + .seconds(7)) == two)

        cache.store(one, of: "e.example", at: start + .seconds(16))
        #expect(cache.count == 2, "b and c had expired and were dropped together")
        #expect(cache.addresses(of: "d.example", at: start + .seconds(16)) == two)
        cache.store(two, of: "d.example", at: start + .seconds(16))
        #expect(cache.count == 2, "a host already kept takes no more room")
    }
}
