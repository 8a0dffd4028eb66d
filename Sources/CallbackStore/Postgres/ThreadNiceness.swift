#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scheduling niceness of the calling thread, for threads that do background work: raised, the kernel gives
/// the CPU to the receipts' threads first whenever both want it, and to the background thread whenever they do not.
public enum ThreadNiceness {
    /// The niceness of threads whose work may wait for the receipts' (service callbacks): 10, a tenth of a normal
    /// thread's share of a contended core, nothing taken from it on an idle one.
    public static let background: Int32 = 10

    /// Sets the calling thread's niceness to `niceness` (0 normal, 19 the lowest priority); returns whether the
    /// system took it. On Linux the niceness belongs to each thread, and `setpriority(PRIO_PROCESS, 0, …)` changes the
    /// calling thread's alone (setpriority(2), "Notes"); elsewhere it would change the whole process and is not made.
    @discardableResult
    public static func setForCurrentThread(_ niceness: Int32) -> Bool {
        #if os(Linux)
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) == 0
        #else
        return false
        #endif
    }

    /// The calling thread's niceness.
    public static var currentThread: Int32 {
        #if os(Linux)
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
