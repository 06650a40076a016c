/// A PDF's cross-reference and trailer as readers see them (ISO 32000-1 §7.5): the sections followed from the
/// last `startxref` through every `/Prev` (and a hybrid file's `/XRefStm`), newer entries winning; classic tables
/// and cross-reference streams alike. Objects are read on demand, from the file or from an object stream.
///
/// The file is read through a ``ByteSource``: the last 2048 bytes for `startxref`, then each section and each
/// object asked for, every one through a window of bounded size (``PDFParser/maximumWindow``; stream data up to
/// ``maximumStreamSize``), so reading a document's structure costs memory in proportion to its structure, never to
/// its length, and page content and images are never read. Bytes already in memory are parsed in place.
///
/// Loops in the `/Prev` chain, offsets past the end of the file and streams that inflate past a limit are
/// ``SigilError``s naming the offset.
struct PDFDocument {
    /// Where an object lives.
    enum Location: Sendable, Hashable {
        case free
        /// At a byte offset, with its generation.
        case offset(Int, generation: Int)
        /// Inside the object stream `stream`, at `index`.
        case compressed(stream: Int, index: Int)
    }

    /// The file.
    let source: any ByteSource
    /// The trailer of the last section (for a cross-reference stream, its dictionary).
    let trailer: PDFObject
    /// Every object's location, newest section first.
    let xref: [Int: Location]
    /// The offset the last `startxref` names.
    let lastXRefOffset: Int
    /// Whether the last section is a cross-reference stream (an update must then write one too).
    let lastSectionIsStream: Bool
    /// For each section of the chain (newest first), the lowest offset of an object it places: where an incremental
    /// update's body starts.
    let sectionBodies: [Int]
    /// The standard security handler of an encrypted file, once ``unlock()`` opened it: objects are then read
    /// decrypted.
    private(set) var security: PDFSecurity?

    static let maximumSections = 1_000
    /// The largest object number ISO 32000-1 lets a file use (Annex C, implementation limits). Object numbers, `/Size`
    /// and the cross-reference entries of all sections together are held to it, so no arithmetic on a number read
    /// from the file overflows and a cross-reference stream of a few bytes cannot declare billions of entries.
    static let maximumObjectNumber = 8_388_607
    static let maximumStreamSize = 64 << 20
    /// How much of the file's end is searched for `startxref`.
    static let tailLength = 2048

    /// Reads the cross-reference chain of `bytes`.
    ///
    /// - Throws: ``SigilError`` for a file without `startxref`, a section that is not one, a loop, or an offset past
    ///   the end of the file.
    init(_ bytes: [UInt8]) throws {
        try self.init(source: MemoryByteSource(bytes))
    }

    /// Reads the cross-reference chain of the file `source` reads: its tail and its sections only.
    ///
    /// - Throws: ``SigilError`` for a file without `startxref`, a section that is not one, a loop, or an offset past
    ///   the end of the file.
    init(source: any ByteSource) throws {
        self.source = source
        let count = source.count
        let tailStart = max(0, count - Self.tailLength)
        let tail = try source.read(tailStart..<count)
        guard let found = Self.lastIndex(of: Array("startxref".utf8), in: tail, from: 0) else {
            throw SigilError.malformed("the PDF", at: count, "has no startxref in its last 2048 bytes: it is cut short or not a PDF")
        }
        let at = tailStart + found
        var parser = PDFParser(tail, at: found + 9)
        guard let offset = Int(parser.keyword()), offset >= 0 else {
            throw SigilError.malformed("the PDF startxref", at: at, "is not followed by an offset")
        }
        lastXRefOffset = offset
        var table: [Int: Location] = [:]
        var visited: Set<Int> = []
        var pending = [offset]
        var first: (PDFObject, Bool)?
        var bodies: [Int] = []
        var entryCount = 0
        // All sections together hold at most as many entries as ISO 32000 allows objects.
        func tally(_ entries: [(Int, Location)], at offset: Int) throws {
            entryCount += entries.count
            guard entryCount <= Self.maximumObjectNumber + 1 else {
                throw SigilError(
                    .tooLarge, "the PDF's cross-reference sections declare more than \(Self.maximumObjectNumber + 1) entries", offset: offset)
            }
        }
        while let next = pending.popLast() {
            guard visited.insert(next).inserted else {
                throw SigilError.malformed("the PDF cross-reference chain", at: next, "loops back to the section at offset \(next)")
            }
            guard visited.count <= Self.maximumSections else {
                throw SigilError(.tooLarge, "the PDF has more than \(Self.maximumSections) cross-reference sections", offset: next)
            }
            guard next >= 0, next < count else {
                throw SigilError.malformed("the PDF cross-reference", at: next, "points past the end of the \(count)-byte file")
            }
            let (dictionary, isStream, entries) = try Self.section(at: next, in: source)
            try tally(entries, at: next)
            for (number, location) in entries where table[number] == nil { table[number] = location }
            bodies.append(
                entries.lazy.compactMap { if case .offset(let at, _) = $0.1 { at } else { nil } }.min() ?? next)
            if first == nil { first = (dictionary, isStream) }
            if let prev = dictionary["Prev"]?.integer { pending.append(prev) }
            // A hybrid file's stream is read before the table's /Prev, so its entries win over older sections.
            if !isStream, let stream = dictionary["XRefStm"]?.integer, !visited.contains(stream) {
                guard stream < count else { throw SigilError.malformed("the PDF /XRefStm", at: next, "points past the end of the file") }
                visited.insert(stream)
                let (_, _, streamEntries) = try Self.section(at: stream, in: source)
                try tally(streamEntries, at: stream)
                for (number, location) in streamEntries where table[number] == nil || table[number] == .free { table[number] = location }
            }
        }
        (trailer, lastSectionIsStream) = first!
        if let declared = trailer["Size"]?.integer, !(0...Self.maximumObjectNumber + 1).contains(declared) {
            throw SigilError.malformed(
                "the PDF trailer", at: offset, "declares /Size \(declared), outside ISO 32000's 0…\(Self.maximumObjectNumber + 1) objects")
        }
        xref = table
        sectionBodies = bodies
    }

    /// Opens an encrypted file with the empty user password, so objects read after it are decrypted; does nothing
    /// for a file without `/Encrypt`.
    ///
    /// - Throws: ``SigilError`` when the file needs a user password or a security handler Sigil does not read.
    mutating func unlock() throws {
        security = try PDFSecurity.open(self)
    }

    /// Where the first incremental update that opens with one of `markers` (each a line of its own, `\n%…\n`)
    /// starts: the lowest body of a section in the chain that a marker directly precedes, or nil. Reads a
    /// marker's length before each section's body, nothing else.
    func firstUpdate(openedBy markers: [[UInt8]]) throws -> Int? {
        var first: Int?
        for body in sectionBodies {
            for marker in markers where body >= marker.count && body <= source.count {
                let start = body - marker.count
                if try source.read(start..<body) == marker { first = min(first ?? start, start) }
            }
        }
        return first
    }

    /// Where the first of `needles` occurs in the file `source` reads, found a chunk at a time (memory stays flat):
    /// the byte scan for a file whose cross-reference cannot be followed.
    static func firstOccurrence(of needles: [[UInt8]], in source: any ByteSource, chunkSize: Int = 1 << 20) throws -> Int? {
        let overlap = max(0, (needles.map(\.count).max() ?? 0) - 1)
        var at = 0
        while at < source.count {
            let chunk = try source.read(at..<min(source.count, at + chunkSize + overlap))
            if let found = needles.compactMap({ chunk.firstIndex(of: $0) }).min() { return at + found }
            at += chunkSize
        }
        return nil
    }

    /// Whether the trailer names an encryption dictionary.
    var isEncrypted: Bool { trailer["Encrypt"] != nil }

    static func lastIndex(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        var i = bytes.count - needle.count
        while i >= from {
            if bytes.matches(needle, at: i) { return i }
            i -= 1
        }
        return nil
    }

    /// One section at `offset`: its trailer (or stream dictionary), whether it is a stream, its entries.
    static func section(at offset: Int, in source: any ByteSource) throws -> (PDFObject, Bool, [(Int, Location)]) {
        var parser = PDFParser(source: source, at: offset)
        if parser.expect("xref") {
            do {
                return try table(&parser)
            } catch {
                throw parser.readError ?? error
            }
        }
        let (dictionary, data) = try indirectStream(at: offset, in: source)
        return (dictionary, true, try streamEntries(dictionary, data, at: offset))
    }

    /// A classic table's entries and trailer, after its `xref` keyword; the parser's window drops the entries read.
    private static func table(_ parser: inout PDFParser) throws -> (PDFObject, Bool, [(Int, Location)]) {
        var entries: [(Int, Location)] = []
        while true {
            let saved = parser.position
            let word = parser.keyword()
            if word == "trailer" { break }
            guard let start = Int(word), start >= 0, let count = Int(parser.keyword()), count >= 0 else {
                parser.position = saved
                throw parser.error("is a cross-reference table without a trailer")
            }
            guard start <= maximumObjectNumber, count <= maximumObjectNumber + 1 - start else {
                throw parser.error("numbers objects \(start) and on, past ISO 32000's largest object number \(maximumObjectNumber)")
            }
            guard count <= (parser.end - parser.position) / 18 + 1 else {
                throw parser.error("declares \(count) entries, more than the file holds")
            }
            for k in 0..<count {
                guard let field = Int(parser.keyword()), let generation = Int(parser.keyword()) else {
                    throw parser.error("has a damaged cross-reference entry")
                }
                switch parser.keyword() {
                case "n": entries.append((start + k, field > 0 ? .offset(field, generation: generation) : .free))
                case "f": entries.append((start + k, .free))
                default: throw parser.error("has a cross-reference entry that is neither n nor f")
                }
                parser.discardConsumed()
            }
        }
        let trailer = try parser.object()
        guard trailer.entries != nil else { throw parser.error("has a trailer that is not a dictionary") }
        if let error = parser.readError { throw error }
        return (trailer, false, entries)
    }

    /// A cross-reference stream's entries, from its dictionary and decoded data.
    private static func streamEntries(_ dictionary: PDFObject, _ data: [UInt8], at offset: Int) throws -> [(Int, Location)] {
        guard dictionary["Type"]?.nameValue == "XRef" else {
            throw SigilError.malformed("the PDF cross-reference", at: offset, "is neither an xref table nor a cross-reference stream")
        }
        guard let widths = dictionary["W"]?.array?.compactMap(\.integer), widths.count == 3, widths.allSatisfy({ (0...8).contains($0) }) else {
            throw SigilError.malformed("the PDF cross-reference stream", at: offset, "has no valid /W")
        }
        let size = dictionary["Size"]?.integer ?? 0
        let index = dictionary["Index"]?.array?.compactMap(\.integer) ?? [0, size]
        let rowLength = widths.reduce(0, +)
        guard rowLength > 0 else { throw SigilError.malformed("the PDF cross-reference stream", at: offset, "has /W [0 0 0]") }
        var entries: [(Int, Location)] = []
        var row = 0
        for pair in stride(from: 0, to: index.count - 1, by: 2) {
            guard (0...maximumObjectNumber).contains(index[pair]), (0...maximumObjectNumber + 1 - index[pair]).contains(index[pair + 1]) else {
                throw SigilError.malformed(
                    "the PDF cross-reference stream", at: offset,
                    "has an /Index range \(index[pair]) \(index[pair + 1]) outside ISO 32000's object numbers 0…\(maximumObjectNumber)")
            }
            guard entries.count + index[pair + 1] <= maximumObjectNumber + 1 else {
                throw SigilError(.tooLarge, "the PDF cross-reference stream declares more than \(maximumObjectNumber + 1) entries", offset: offset)
            }
            for k in 0..<index[pair + 1] {
                guard (row + 1) * rowLength <= data.count else {
                    throw SigilError.malformed("the PDF cross-reference stream", at: offset, "holds fewer rows than its /Index declares")
                }
                var fields = [0, 0, 0]
                var p = row * rowLength
                for f in 0..<3 {
                    for _ in 0..<widths[f] {
                        fields[f] = fields[f] << 8 | Int(data[p])
                        p += 1
                    }
                }
                if widths[0] == 0 { fields[0] = 1 }
                let number = index[pair] + k
                switch fields[0] {
                case 0: entries.append((number, .free))
                case 1: entries.append((number, .offset(fields[1], generation: fields[2])))
                case 2: entries.append((number, .compressed(stream: fields[1], index: fields[2])))
                default: break
                }
                row += 1
            }
        }
        return entries
    }

    /// `body` run on a parser of `source` at `offset`; a failed read or a structure past the window's bound is
    /// thrown in place of the parse error it caused.
    static func parse<T>(_ source: any ByteSource, at offset: Int, _ body: (inout PDFParser) throws -> T) throws -> T {
        var parser = PDFParser(source: source, at: offset)
        do {
            let result = try body(&parser)
            if let error = parser.readError { throw error }
            return result
        } catch {
            throw parser.readError ?? error
        }
    }

    /// The dictionary of the stream object at `offset` and where its data starts (after `stream` and its end of
    /// line).
    static func streamHeader(at offset: Int, in source: any ByteSource) throws -> (PDFObject, Int) {
        try parse(source, at: offset) { parser in
            guard Int(parser.keyword()) != nil, Int(parser.keyword()) != nil, parser.expect("obj") else {
                throw SigilError.malformed("the PDF object", at: offset, "does not start with 'n g obj'")
            }
            let dictionary = try parser.object()
            guard parser.expect("stream") else { throw SigilError.malformed("the PDF object", at: offset, "is not a stream") }
            parser.skipStreamLineEnd()
            return (dictionary, parser.position)
        }
    }

    /// The dictionary and decoded data of the stream object at `offset` (`n g obj << … >> stream … endstream`).
    /// `decrypt` gets the stream's dictionary and raw data before its filter is undone.
    ///
    /// - Throws: ``SigilError`` `.truncated` for data past the end of the file, `.tooLarge` for more than
    ///   ``maximumStreamSize`` bytes of it (the streams Sigil reads are cross-reference streams, object streams and
    ///   XMP, never page content or images).
    static func indirectStream(
        at offset: Int, in source: any ByteSource, resolveLength: ((PDFObject) throws -> Int?)? = nil,
        decrypt: ((PDFObject, [UInt8]) throws -> [UInt8])? = nil
    ) throws -> (PDFObject, [UInt8]) {
        let (dictionary, start) = try streamHeader(at: offset, in: source)
        let lengthObject = dictionary["Length"]
        guard let length = try lengthObject?.integer ?? lengthObject.flatMap({ try resolveLength?($0) }), length >= 0 else {
            throw SigilError.malformed("the PDF stream", at: offset, "has no usable /Length")
        }
        guard length <= source.count - start else {
            throw SigilError.truncated("the PDF stream at offset \(offset)", at: start, needs: length, remaining: source.count - start)
        }
        guard length <= maximumStreamSize else {
            throw SigilError(
                .tooLarge, "the PDF stream at offset \(offset) holds \(length) bytes; Sigil reads at most \(maximumStreamSize >> 20) MiB of one",
                offset: offset)
        }
        var raw = try source.require(length, at: start, for: "the PDF stream at offset \(offset)")
        if let decrypt { raw = try decrypt(dictionary, raw) }
        return (dictionary, try decode(raw, dictionary: dictionary, offset: offset))
    }

    /// A stream's data through its filter (none or FlateDecode, with a PNG predictor when it has one).
    static func decode(_ raw: [UInt8], dictionary: PDFObject, offset: Int) throws -> [UInt8] {
        let filters: [String] = dictionary["Filter"].map { $0.nameValue.map { [$0] } ?? ($0.array ?? []).compactMap(\.nameValue) } ?? []
        guard !filters.isEmpty else { return raw }
        guard filters == ["FlateDecode"] else {
            throw SigilError(
                .unsupportedFormat, "the PDF stream at offset \(offset) uses the filter \(filters.joined(separator: ", ")); Sigil reads FlateDecode",
                offset: offset)
        }
        let inflated = try Zlib.inflate(raw, limit: maximumStreamSize, allowUnterminated: true, structure: "the PDF stream", offset: offset)
        let parameters = dictionary["DecodeParms"].flatMap { $0.array?.first ?? $0 }
        guard let predictor = parameters?["Predictor"]?.integer, predictor >= 10 else { return inflated }
        let columns = max(1, parameters?["Columns"]?.integer ?? 1)
        return try unpredict(inflated, columns: columns, offset: offset)
    }

    /// Undoes the PNG predictors (one filter byte per row).
    static func unpredict(_ data: [UInt8], columns: Int, offset: Int) throws -> [UInt8] {
        guard columns <= 4096 else { throw SigilError.malformed("the PDF stream", at: offset, "has /Columns \(columns)") }
        var out: [UInt8] = []
        var previous = [UInt8](repeating: 0, count: columns)
        var i = 0
        while i + columns + 1 <= data.count {
            let type = data[i]
            var row = Array(data[(i + 1)...(i + columns)])
            for c in 0..<columns {
                let left = c > 0 ? Int(row[c - 1]) : 0
                let up = Int(previous[c])
                let upLeft = c > 0 ? Int(previous[c - 1]) : 0
                let add: Int
                switch type {
                case 0: add = 0
                case 1: add = left
                case 2: add = up
                case 3: add = (left + up) / 2
                case 4:
                    let p = left + up - upLeft
                    let (pa, pb, pc) = (abs(p - left), abs(p - up), abs(p - upLeft))
                    add = pa <= pb && pa <= pc ? left : (pb <= pc ? up : upLeft)
                default: throw SigilError.malformed("the PDF stream", at: offset, "has PNG predictor type \(type)")
                }
                row[c] = UInt8(truncatingIfNeeded: Int(row[c]) + add)
            }
            out += row
            previous = row
            i += columns + 1
        }
        return out
    }

    /// The object `number`, resolved from its location (depth-limited for chained references); its strings
    /// decrypted when the file is unlocked, unless `decrypting` is false.
    func object(_ number: Int, decrypting: Bool = true) throws -> PDFObject? {
        switch xref[number] {
        case .offset(let offset, let generation):
            guard offset >= 0, offset < source.count else {
                throw SigilError.malformed("the PDF cross-reference", at: offset, "places object \(number) past the end of the file")
            }
            let object = try Self.parse(source, at: offset) { parser in
                guard Int(parser.keyword()) == number, Int(parser.keyword()) != nil, parser.expect("obj") else {
                    throw SigilError.malformed("the PDF object \(number)", at: offset, "is not at the offset the cross-reference gives")
                }
                return try parser.object()
            }
            guard decrypting, let security, number != security.dictionaryObject else { return object }
            return try security.decryptStrings(in: object, number: number, generation: generation, offset: offset)
        case .compressed(let stream, let index):
            guard case .offset(let streamOffset, let generation) = xref[stream] else {
                throw SigilError.malformed("the PDF object stream \(stream)", at: 0, "is not in the cross-reference")
            }
            // Strings inside an object stream are not encrypted on their own: the stream is.
            let (dictionary, data) = try PDFDocument.indirectStream(
                at: streamOffset, in: source, resolveLength: resolveLength, decrypt: streamDecryptor(stream, generation, offset: streamOffset))
            guard let count = dictionary["N"]?.integer, let first = dictionary["First"]?.integer, count >= 0, first >= 0, first <= data.count else {
                throw SigilError.malformed("the PDF object stream \(stream)", at: streamOffset, "has no valid /N and /First")
            }
            var header = PDFParser(data, base: streamOffset)
            for k in 0..<min(count, data.count) {
                guard let n = Int(header.keyword()), let at = Int(header.keyword()) else { break }
                if n == number || k == index {
                    guard n == number, at >= 0, at < data.count - first else { break }
                    var parser = PDFParser(data, at: first + at, base: streamOffset)
                    return try parser.object()
                }
            }
            throw SigilError.malformed("the PDF object stream \(stream)", at: streamOffset, "does not hold object \(number)")
        case .free, nil:
            return nil
        }
    }

    /// An indirect `/Length`.
    func resolveLength(_ object: PDFObject) throws -> Int? {
        guard let ref = object.reference, case .offset = xref[ref.number] else { return nil }
        return try self.object(ref.number)?.integer
    }

    /// `object`, or the object it refers to.
    func resolve(_ object: PDFObject?, decrypting: Bool = true) throws -> PDFObject? {
        guard let object else { return nil }
        if let ref = object.reference { return try self.object(ref.number, decrypting: decrypting) }
        return object
    }

    /// The stream object `number`: its dictionary and decoded (and decrypted) data.
    func stream(_ number: Int) throws -> (PDFObject, [UInt8])? {
        guard case .offset(let offset, let generation) = xref[number] else { return nil }
        return try PDFDocument.indirectStream(
            at: offset, in: source, resolveLength: resolveLength, decrypt: streamDecryptor(number, generation, offset: offset))
    }

    /// What decrypts stream `number`'s data, when the file is unlocked: cross-reference streams and, with
    /// `/EncryptMetadata false`, the XMP metadata are stored in the clear.
    func streamDecryptor(_ number: Int, _ generation: Int, offset: Int) -> ((PDFObject, [UInt8]) throws -> [UInt8])? {
        guard let security else { return nil }
        return { dictionary, raw in
            let type = dictionary["Type"]?.nameValue
            if type == "XRef" || (type == "Metadata" && !security.encryptsMetadata) { return raw }
            return try security.decrypt(raw, object: number, generation: generation, stream: true, offset: offset)
        }
    }

    /// The trailer's `/Size`: the next free object number.
    var size: Int { max(trailer["Size"]?.integer ?? 0, (xref.keys.max() ?? 0) + 1) }
}
