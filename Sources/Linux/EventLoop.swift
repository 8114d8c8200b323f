import CLinux
import Glibc

/// A single-threaded epoll loop: the supervisor's only scheduler.
/// Handlers run on the loop's thread; they may register and unregister descriptors.
/// Not `Sendable` on purpose: it must never cross to another thread.
public final class EventLoop {
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: EPOLLIN.rawValue)
        public static let writable = Events(rawValue: EPOLLOUT.rawValue)
        public static let hangup = Events(rawValue: EPOLLHUP.rawValue)
        public static let error = Events(rawValue: EPOLLERR.rawValue)
    }

    public typealias Handler = (Events) -> Void

    private let epoll: FileDescriptor
    private var handlers: [Int32: Handler] = [:]
    private var running = false

    public init() throws(Errno) {
        epoll = FileDescriptor(rawValue: try check(epoll_create1(Int32(EPOLL_CLOEXEC)), "epoll_create1"))
    }

    deinit { epoll.closeQuietly() }

    public func register(_ fd: FileDescriptor, for events: Events = .readable, handler: @escaping Handler) throws(Errno) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.fd = fd.rawValue
        let op = handlers[fd.rawValue] == nil ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        try check(epoll_ctl(epoll.rawValue, op, fd.rawValue, &event), "epoll_ctl")
        handlers[fd.rawValue] = handler
    }

    public func modify(_ fd: FileDescriptor, for events: Events) throws(Errno) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.fd = fd.rawValue
        try check(epoll_ctl(epoll.rawValue, EPOLL_CTL_MOD, fd.rawValue, &event), "epoll_ctl")
    }

    public func unregister(_ fd: FileDescriptor) {
        guard handlers.removeValue(forKey: fd.rawValue) != nil else { return }
        _ = epoll_ctl(epoll.rawValue, EPOLL_CTL_DEL, fd.rawValue, nil)
    }

    public var isEmpty: Bool { handlers.isEmpty }

    /// Dispatches events until `stop()` is called or nothing is registered.
    public func run() throws(Errno) {
        running = true
        var events = [epoll_event](repeating: epoll_event(), count: 32)
        while running && !handlers.isEmpty {
            let count = epoll_wait(epoll.rawValue, &events, Int32(events.count), -1)
            if count == -1 {
                if clinux_errno() == EINTR { continue }
                throw Errno.current("epoll_wait")
            }
            for index in 0..<Int(count) {
                let fd = events[index].data.fd
                // A handler earlier in this batch may have unregistered this descriptor.
                guard let handler = handlers[fd] else { continue }
                handler(Events(rawValue: events[index].events))
                if !running { break }
            }
        }
    }

    public func stop() { running = false }
}
