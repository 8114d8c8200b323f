import Glibc

/// Runs blocking work (waiting on a supervisor's pipe or socket) on a thread of its own, so it does not hold
/// one of the few threads of Swift's cooperative pool: ten containers start together instead of two by two.
public enum DetachedThread {
    private final class Work: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let work = Unmanaged.passRetained(Work { continuation.resume(with: Result { try body() }) })
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { raw in
                Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, work.toOpaque())
            if result == 0 {
                pthread_detach(thread)
            } else {
                work.release()
                continuation.resume(throwing: Errno(result, call: "pthread_create"))
            }
        }
    }
}
