import Glibc

/// The process's one source of time: wall clock for what users read, monotonic for what is measured.
public enum Clock {
    /// Seconds since the epoch (CLOCK_REALTIME).
    public static func now() -> Double { seconds(CLOCK_REALTIME) }

    /// Seconds on CLOCK_MONOTONIC: durations that no clock adjustment disturbs.
    public static func monotonic() -> Double { seconds(CLOCK_MONOTONIC) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// "2024-05-01T12:00:00.123456789Z": UTC with `fractionDigits` digits (logs use 9, events 6).
    public static func rfc3339(_ seconds: Double, fractionDigits: Int = 9) -> String {
        let parts = utc(seconds)
        let scale = (0..<fractionDigits).reduce(1.0) { value, _ in value * 10 }
        let fraction = Int((seconds - seconds.rounded(.down)) * scale)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + pad(Int32(clamping: fraction), fractionDigits) + "Z"
    }

    /// "2024-05-01 12:00:00 +0000 UTC", as docker prints CreatedAt.
    public static func dockerTime(_ seconds: Double) -> String {
        let parts = utc(seconds)
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)) +0000 UTC"
    }

    private static func utc(_ seconds: Double) -> tm {
        var whole = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return parts
    }

    private static func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
