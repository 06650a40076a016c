#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A UTC instant with millisecond precision, written as `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, one form only).
public struct RecordTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The current time.
    public static func now() -> RecordTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return RecordTime(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (lhs: RecordTime, rhs: RecordTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The RFC 3339 text, e.g. `2025-09-01T08:30:00.000Z`.
    public var description: String {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let msOfDay = milliseconds - days * 86_400_000
        let (y, m, d) = Self.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// Parses exactly the form ``description`` writes (years 1970…9999).
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` naming the text.
    public init(parsing text: String) throws {
        let chars = Array(text.utf8)
        func fail() -> SigilError {
            SigilError(.invalidRecord, "\"\(text.prefix(40))\" is not a UTC time of the form 2025-09-01T08:30:00.000Z")
        }
        guard chars.count == 24, chars[4] == 0x2D, chars[7] == 0x2D, chars[10] == 0x54, chars[13] == 0x3A, chars[16] == 0x3A,
            chars[19] == 0x2E, chars[23] == 0x5A
        else { throw fail() }
        func number(_ range: Range<Int>) throws -> Int64 {
            var value: Int64 = 0
            for i in range {
                guard (0x30...0x39).contains(chars[i]) else { throw fail() }
                value = value * 10 + Int64(chars[i] - 0x30)
            }
            return value
        }
        let (y, m, d) = (try number(0..<4), try number(5..<7), try number(8..<10))
        let (hh, mm, ss, ms) = (try number(11..<13), try number(14..<16), try number(17..<19), try number(20..<23))
        guard y >= 1970, (1...12).contains(m), d >= 1, d <= Self.daysIn(month: m, year: y), hh < 24, mm < 60, ss < 60 else { throw fail() }
        let days = Self.days(fromCivil: y, m, d)
        self.init(milliseconds: ((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + ms)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-calendar algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
