import SigilCore

/// Reads a tar stream as its bytes arrive, in chunks of any size: POSIX ustar headers, pax extended headers (`path`,
/// `size`) and GNU long names (`L`). Regular files come out as events — start, data, end — and every other entry
/// (folders, links, devices, global pax headers) is skipped. Nothing is buffered but one 512-byte header, and pax or
/// long-name records up to ``maxExtendedHeader`` bytes, so memory stays flat however large the files are.
///
/// Hostile input is a ``SigilError`` naming the problem and its byte offset in the stream: a header whose checksum
/// does not add up, a size that is not octal, a stream that ends inside an entry.
public struct TarStreamReader: Sendable {
    /// What the stream held, in order.
    public enum Event: Sendable, Hashable {
        /// A regular file begins: its path inside the archive and its size in bytes.
        case fileStart(name: String, size: Int)
        /// The next bytes of the current file.
        case fileData([UInt8])
        /// The current file is complete.
        case fileEnd
    }

    /// The largest pax extended header or GNU long name accepted.
    public static let maxExtendedHeader = 1 << 20
    /// The largest entry size accepted (1 PiB; larger is taken as a corrupt header).
    public static let maxEntrySize = 1 << 50
    static let block = 512

    private enum Entry: Sendable {
        /// A regular file: its data is handed on.
        case file
        /// A pax extended header for the next entry.
        case pax
        /// A GNU long name for the next entry.
        case longName
        /// Anything else: its data is skipped.
        case skip
    }

    private enum State: Sendable {
        case header
        case data(entry: Entry, remaining: Int, padding: Int)
        case padding(Int)
        case ended
    }

    private var state = State.header
    private var header: [UInt8] = []
    private var extended: [UInt8] = []
    private var zeroBlocks = 0
    /// The next entry's path and size from a pax header or GNU long name.
    private var pendingName: String?
    private var pendingSize: Int?
    /// Bytes consumed so far (error offsets are stream positions).
    public private(set) var offset = 0

    public init() {}

    /// Whether the end-of-archive marker (two zero blocks) was read; bytes after it are ignored.
    public var ended: Bool {
        if case .ended = state { return true }
        return false
    }

    /// Reads the next chunk of the stream.
    ///
    /// - Returns: the events the chunk completes (a file's data may be split across several `fileData` events).
    /// - Throws: ``SigilError`` `.malformed` for a bad header, with its offset.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws -> [Event] {
        var events: [Event] = []
        var rest = chunk[...]
        while !rest.isEmpty {
            switch state {
            case .ended:
                offset += rest.count
                return events
            case .header:
                let take = min(Self.block - header.count, rest.count)
                header += rest.prefix(take)
                rest = rest.dropFirst(take)
                offset += take
                if header.count == Self.block {
                    try readHeader(&events)
                    header.removeAll(keepingCapacity: true)
                }
            case .data(let entry, let remaining, let padding):
                let take = min(remaining, rest.count)
                let bytes = rest.prefix(take)
                rest = rest.dropFirst(take)
                offset += take
                switch entry {
                case .file: if take > 0 { events.append(.fileData(Array(bytes))) }
                case .pax, .longName: extended += bytes
                case .skip: break
                }
                if remaining - take == 0 {
                    try endEntry(entry, &events)
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .data(entry: entry, remaining: remaining - take, padding: padding)
                }
            case .padding(let remaining):
                let take = min(remaining, rest.count)
                rest = rest.dropFirst(take)
                offset += take
                state = remaining - take == 0 ? .header : .padding(remaining - take)
            }
        }
        return events
    }

    /// The stream ended.
    ///
    /// - Throws: ``SigilError`` `.truncated` when it ended inside a header, an entry or its padding (a stream that ends
    ///   between entries without the end-of-archive marker is accepted, as GNU tar accepts it).
    public mutating func finish() throws {
        switch state {
        case .ended: return
        case .header where header.isEmpty: return
        case .header:
            throw SigilError(.truncated, "the tar stream ends inside a header (\(header.count) of 512 bytes)", offset: offset)
        case .data(_, let remaining, _):
            throw SigilError(.truncated, "the tar stream ends \(remaining) bytes before the end of an entry", offset: offset)
        case .padding(let remaining):
            throw SigilError(.truncated, "the tar stream ends \(remaining) bytes before the end of an entry's padding", offset: offset)
        }
    }

    /// Reads every event of a whole stream at once.
    ///
    /// - Throws: ``SigilError`` as ``feed(_:)`` and ``finish()``.
    public static func events(in bytes: [UInt8]) throws -> [Event] {
        var reader = TarStreamReader()
        let events = try reader.feed(bytes)
        try reader.finish()
        return events
    }

    private mutating func readHeader(_ events: inout [Event]) throws {
        let start = offset - Self.block
        if header.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks == 2 { state = .ended }
            return
        }
        zeroBlocks = 0
        let stored = try Self.number(header[148..<156], field: "checksum", at: start + 148)
        var sum = 0
        for (i, byte) in header.enumerated() { sum += (148..<156).contains(i) ? 0x20 : Int(byte) }
        guard stored == sum else {
            throw SigilError(.malformed, "a tar header's checksum is \(stored), its bytes add up to \(sum): not a tar header", offset: start)
        }
        var size = try Self.number(header[124..<136], field: "size", at: start + 124)
        let type = header[156]
        var name = Self.string(header[0..<100])
        if header[257..<262].elementsEqual("ustar".utf8) {
            let prefix = Self.string(header[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let entry: Entry
        switch type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
            entry = .file
            if let pendingName { name = pendingName }
            if let pendingSize { size = pendingSize }
            pendingName = nil
            pendingSize = nil
        case UInt8(ascii: "x"): entry = .pax
        case UInt8(ascii: "L"): entry = .longName
        default:
            entry = .skip
            if type != UInt8(ascii: "g") && type != UInt8(ascii: "K") { // the pending name and size belonged to this entry
                pendingName = nil
                pendingSize = nil
            }
        }
        guard size <= Self.maxEntrySize else {
            throw SigilError(.malformed, "a tar entry claims \(size) bytes, more than any archive Sigil reads", offset: start + 124)
        }
        if entry == .pax || entry == .longName {
            guard size <= Self.maxExtendedHeader else {
                throw SigilError(.malformed, "a tar extended header of \(size) bytes is over the \(Self.maxExtendedHeader)-byte limit", offset: start)
            }
            extended.removeAll(keepingCapacity: true)
        }
        if entry == .file { events.append(.fileStart(name: name, size: size)) }
        let padding = (Self.block - size % Self.block) % Self.block
        if size == 0 {
            try endEntry(entry, &events)
            state = .header
        } else {
            state = .data(entry: entry, remaining: size, padding: padding)
        }
    }

    private mutating func endEntry(_ entry: Entry, _ events: inout [Event]) throws {
        switch entry {
        case .file: events.append(.fileEnd)
        case .longName: pendingName = Self.string(extended[...])
        case .pax: try readPax()
        case .skip: break
        }
    }

    /// pax records: `<length> <key>=<value>\n`, the length counting the whole record.
    private mutating func readPax() throws {
        var rest = extended[...]
        let base = offset - extended.count
        while !rest.isEmpty {
            let recordOffset = base + (rest.startIndex - extended.startIndex)
            guard let space = rest.firstIndex(of: 0x20),
                let length = Int(String(decoding: rest[rest.startIndex..<space], as: UTF8.self)), length > space - rest.startIndex,
                length <= rest.count
            else {
                throw SigilError(.malformed, "a pax extended header record has no valid length", offset: recordOffset)
            }
            let record = rest[rest.index(after: space)..<(rest.startIndex + length)]
            rest = rest[(rest.startIndex + length)...]
            guard record.last == 0x0A, let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw SigilError(.malformed, "a pax extended header record is not key=value", offset: recordOffset)
            }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            let value = String(decoding: record[record.index(after: equals)..<(record.endIndex - 1)], as: UTF8.self)
            switch key {
            case "path": pendingName = value
            case "size":
                guard let size = Int(value), size >= 0 else {
                    throw SigilError(.malformed, "a pax size \"\(value)\" is not a whole number", offset: recordOffset)
                }
                pendingSize = size
            default: break
            }
        }
    }

    /// A numeric header field: octal ASCII (spaces and NULs around it), or GNU base-256 when the high bit is set.
    static func number(_ field: ArraySlice<UInt8>, field name: String, at offset: Int) throws -> Int {
        if let first = field.first, first & 0x80 != 0 {
            var value = Int(first & 0x3F)
            guard first & 0x40 == 0 else { throw SigilError(.malformed, "a tar \(name) field is negative", offset: offset) }
            for byte in field.dropFirst() {
                guard value < (Int.max >> 8) else { throw SigilError(.malformed, "a tar \(name) field overflows", offset: offset) }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        var digits = 0
        var done = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7") where !done:
                guard value < (Int.max >> 3) else { throw SigilError(.malformed, "a tar \(name) field overflows", offset: offset) }
                value = value << 3 | Int(byte - UInt8(ascii: "0"))
                digits += 1
            case 0x20 where digits == 0: continue
            case 0x20, 0: done = true
            default:
                throw SigilError(.malformed, "a tar \(name) field is not octal (byte 0x\(String(byte, radix: 16)))", offset: offset)
            }
        }
        guard digits > 0 else { throw SigilError(.malformed, "a tar \(name) field is empty", offset: offset) }
        return value
    }

    /// A NUL-terminated header string.
    static func string(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }
}
