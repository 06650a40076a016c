/// The C2PA store in MP3: an ID3v2 `GEOB` frame (MIME `application/c2pa`, file name `c2pa`, description
/// `c2pa manifest store`) in the tag at the start of the file. The exclusion covers only the object bytes inside the
/// frame; the ID3 header and frame headers are hashed.
enum ID3ManifestCarrier {
    static let mimeTypes = ["application/c2pa", "application/x-c2pa-manifest-store"]

    typealias Tag = ID3Tag
    typealias Frame = ID3Tag.Frame

    static func tag(_ bytes: [UInt8]) throws -> Tag? { try ID3Tag.read(bytes) }
    static func syncsafeBytes(_ n: Int) -> [UInt8] { ID3Tag.syncsafeBytes(n) }

    /// The object inside a GEOB frame when its MIME type is a C2PA one.
    static func c2paObject(_ bytes: [UInt8], _ frame: Frame) -> Range<Int>? {
        guard frame.id == "GEOB" || frame.id == "GEO" else { return nil }
        let d = frame.data
        guard d.count >= 2 else { return nil }
        let encoding = bytes[d.lowerBound]
        var i = d.lowerBound + 1
        guard let mimeEnd = bytes[i..<d.upperBound].firstIndex(of: 0) else { return nil }
        let mime = String(decoding: bytes[i..<mimeEnd], as: UTF8.self).lowercased()
        guard mimeTypes.contains(mime) else { return nil }
        i = mimeEnd + 1
        // File name, then description: each terminated by NUL (00 00 for UTF-16 encodings 1 and 2).
        let wide = encoding == 1 || encoding == 2
        for _ in 0..<2 {
            if wide {
                var j = i
                while j + 1 < d.upperBound, !(bytes[j] == 0 && bytes[j + 1] == 0) { j += 2 }
                guard j + 1 < d.upperBound else { return nil }
                i = j + 2
            } else {
                guard let end = bytes[i..<d.upperBound].firstIndex(of: 0) else { return nil }
                i = end + 1
            }
        }
        return i..<d.upperBound
    }

    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        guard let tag = try tag(bytes) else { return [] }
        return tag.frames.compactMap { frame in
            c2paObject(bytes, frame).map {
                EmbeddedManifestStore(bytes: Array(bytes[$0]), containerRange: $0, location: "ID3v2 GEOB frame at offset \(frame.range.lowerBound)")
            }
        }
    }

    /// A GEOB frame for ID3v2.`major` holding the store.
    static func frame(_ store: [UInt8], major: UInt8) -> (frame: [UInt8], objectOffset: Int) {
        let body: [UInt8] = [0] + Array("application/c2pa".utf8) + [0] + Array("c2pa".utf8) + [0] + Array("c2pa manifest store".utf8) + [0]
        let size = body.count + store.count
        let header = Array("GEOB".utf8) + (major == 4 ? syncsafeBytes(size) : UInt32(size).bigEndianBytes(4)) + [0, 0]
        return (header + body + store, header.count + body.count)
    }

    static func remove(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let tag = try tag(bytes) else { return bytes }
        let drop = tag.frames.filter { c2paObject(bytes, $0) != nil }
        guard !drop.isEmpty else { return bytes }
        return try rebuild(bytes, tag: tag, removing: drop.map(\.range), adding: []).bytes
    }

    static func embed(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        guard store.count < 1 << 27 else { throw SigilError(.capacity, "a manifest store of \(store.count) bytes exceeds an ID3v2 frame") }
        if let tag = try tag(bytes) {
            guard tag.major >= 3 else {
                throw SigilError(.unsupportedFormat, "the MP3 file has an ID3v2.2 tag; Sigil writes C2PA into ID3v2.3/2.4 tags only", offset: 0)
            }
            guard tag.flags & 0x80 == 0 else {
                throw SigilError(.unsupportedFormat, "the MP3 file's ID3v2 tag uses unsynchronisation; Sigil does not rewrite such tags", offset: 0)
            }
            let (frame, objectOffset) = frame(store, major: tag.major)
            let result = try rebuild(bytes, tag: tag, removing: [], adding: frame)
            let start = result.frameOffset + objectOffset
            return (result.bytes, start..<(start + store.count))
        }
        let (frame, objectOffset) = frame(store, major: 4)
        let header: [UInt8] = Array("ID3".utf8) + [4, 0, 0] + syncsafeBytes(frame.count)
        let start = header.count + objectOffset
        return (header + frame + bytes, start..<(start + store.count))
    }

    /// The tag with frames removed and one frame added at the end of the frames (padding dropped), and the file after it.
    static func rebuild(_ bytes: [UInt8], tag: Tag, removing: [Range<Int>], adding frame: [UInt8]) throws -> (bytes: [UInt8], frameOffset: Int) {
        var frames: [UInt8] = Array(bytes[tag.framesStart..<(tag.frames.last?.range.upperBound ?? tag.framesStart)])
        frames = ManifestStoreBytes.cut(frames, removing.map { ($0.lowerBound - tag.framesStart)..<($0.upperBound - tag.framesStart) })
        let prefix = Array(bytes[10..<tag.framesStart]) // extended header, kept as is
        let frameOffset = 10 + prefix.count + frames.count
        frames += frame
        var flags = tag.flags & ~0x10 // no footer in the rewritten tag
        if tag.major < 4 { flags = tag.flags }
        let size = prefix.count + frames.count
        guard size < 1 << 28 else {
            throw SigilError(.capacity, "an ID3v2 tag of \(size) bytes with the manifest exceeds the 256 MiB its header can declare", offset: 0)
        }
        var out: [UInt8] = Array("ID3".utf8) + [tag.major, bytes[4], flags] + syncsafeBytes(size)
        out.reserveCapacity(bytes.count + frame.count)
        out += prefix
        out += frames
        out += bytes[tag.range.upperBound...]
        return (out, frameOffset)
    }
}
