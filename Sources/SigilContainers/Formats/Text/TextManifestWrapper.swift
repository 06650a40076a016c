/// The `C2PATextManifestWrapper` of unstructured text (C2PA 2.x, "Embedding manifests into unstructured text"): a
/// manifest store carried in the text itself as invisible Unicode characters.
///
/// ### Structure
/// The wrapper is the character U+FEFF (zero-width no-break space) followed by one variation selector per byte of
/// the frame `magic "C2PATXT\0" (8) ‖ version 1 (1) ‖ store length, big-endian (4) ‖ store ‖ padding`. A byte `b`
/// below 16 is U+FE00 + `b` (3 UTF-8 bytes), any other is U+E0100 + (`b` − 16) (4 UTF-8 bytes). The padding (bytes
/// 0x00 and 0x10 after the store) brings the wrapper's UTF-8 length to 3 + 4 × (13 + store length) + 6, so its
/// length depends on the store's length only ("deterministic wrapper padding").
///
/// Sigil appends the wrapper after the visible text; the `c2pa.hash.data` exclusion covers exactly the wrapper's
/// bytes, from U+FEFF to the last selector (padding included). Everything here works on UTF-8 bytes.
///
/// ```swift
/// let wrapper = TextManifestWrapper.encode(store)          // UTF-8 bytes to append
/// let found = try TextManifestWrapper.locate(in: text)     // [(store, range)]
/// ```
public enum TextManifestWrapper {
    /// The frame's magic: `C2PATXT` and a zero byte.
    public static let magic: [UInt8] = Array("C2PATXT".utf8) + [0]
    /// The only frame version the specification defines.
    public static let version: UInt8 = 1
    /// Magic, version and length.
    static let headerLength = 13
    /// U+FEFF in UTF-8: where a wrapper starts.
    static let marker: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// One wrapper found in a text.
    public struct Wrapper: Sendable, Hashable {
        /// The manifest store (the frame's payload, without padding).
        public var store: [UInt8]
        /// The wrapper's bytes in the text: U+FEFF through the last variation selector of its run.
        public var range: Range<Int>
    }

    /// The variation selector that carries `byte`, in UTF-8.
    public static func selector(for byte: UInt8) -> [UInt8] {
        if byte < 16 { return [0xEF, 0xB8, 0x80 | byte] }
        let scalar = 0xE0100 + UInt32(byte) - 16
        return [0xF0 | UInt8(scalar >> 18), 0x80 | UInt8((scalar >> 12) & 0x3F), 0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
    }

    /// The UTF-8 length of the wrapper of a store of `storeLength` bytes, padding included.
    public static func encodedLength(storeLength: Int) -> Int {
        3 + 4 * (headerLength + storeLength) + 6
    }

    /// The wrapper of `store`, in UTF-8, padded to ``encodedLength(storeLength:)``.
    ///
    /// - Throws: ``SigilError`` `.capacity` for a store over 4 GiB − 1 (the frame's length field).
    public static func encode(_ store: [UInt8]) throws -> [UInt8] {
        guard let length = UInt32(exactly: store.count) else {
            throw SigilError(.capacity, "a manifest store of \(store.count) bytes does not fit the C2PA text wrapper's 32-bit length")
        }
        var out = marker
        out.reserveCapacity(encodedLength(storeLength: store.count))
        let header = magic + [version] + [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        for byte in header { out += selector(for: byte) }
        for byte in store { out += selector(for: byte) }
        // The gap is at least 6 (every selector is at most 4 bytes); gap = 3a + 4b with b = gap mod 3 always solves.
        let gap = encodedLength(storeLength: store.count) - out.count
        let fours = gap % 3
        let threes = (gap - 4 * fours) / 3
        for _ in 0..<threes { out += selector(for: 0x00) }
        for _ in 0..<fours { out += selector(for: 0x10) }
        return out
    }

    /// Every wrapper in `bytes` (UTF-8 text), in text order.
    ///
    /// A U+FEFF not followed by selectors spelling the magic is text (a byte-order mark, a zero-width no-break
    /// space) and is skipped.
    ///
    /// - Throws: ``SigilError`` `.truncated` when a wrapper's selector run ends (or a selector is cut) before its
    ///   header or its declared store does, `.malformed` for another version or an empty store; each names the
    ///   wrapper's offset.
    public static func locate(in bytes: [UInt8]) throws -> [Wrapper] {
        try DamagedTextManifest.located(candidates(in: bytes))
    }

    /// The byte ranges of every wrapper in `bytes`, damaged ones included (what removing the manifest cuts).
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        DamagedTextManifest.ranges(candidates(in: bytes), \.range)
    }

    /// Each U+FEFF followed by a selector run that starts with the magic (or a cut-off piece of it).
    static func candidates(in bytes: [UInt8]) -> [Result<Wrapper, DamagedTextManifest>] {
        var found: [Result<Wrapper, DamagedTextManifest>] = []
        var from = 0
        while let at = nextMarker(in: bytes, from: from) {
            let run = selectorRun(bytes, from: at + 3)
            from = max(run.end, at + 3)
            let spellsMagic = run.values.count >= magic.count ? Array(run.values.prefix(magic.count)) == magic : false
            // A piece of the magic that stops at a cut selector or at the end of the text is a wrapper cut short.
            let cutMagic =
                run.values.count >= 4 && run.values.count < magic.count && Array(magic.prefix(run.values.count)) == run.values
                && (run.cutAt != nil || run.end == bytes.count)
            guard spellsMagic || cutMagic else { continue }
            found.append(frame(run, marker: at))
        }
        return found
    }

    /// The frame of a run that starts with (a piece of) the magic.
    static func frame(_ run: SelectorRun, marker at: Int) -> Result<Wrapper, DamagedTextManifest> {
        // A damaged wrapper's range takes in the bytes of a cut selector too, so removing it leaves UTF-8.
        let range = at..<(run.cutEnd ?? run.end)
        let cut = run.cutAt.map { "; a variation selector is cut at offset \($0)" } ?? ""
        func damaged(_ code: SigilError.Code, _ reason: String) -> Result<Wrapper, DamagedTextManifest> {
            .failure(DamagedTextManifest(range: range, error: SigilError(code, "the C2PA text wrapper at offset \(at) \(reason)", offset: at)))
        }
        let values = run.values
        guard values.count >= headerLength else {
            return damaged(.truncated, "ends after \(values.count) of its \(headerLength) header bytes, at offset \(run.end)\(cut)")
        }
        guard values[8] == version else {
            return damaged(.malformed, "declares version \(values[8]); the specification defines version \(version)")
        }
        let declared = Int(values[9]) << 24 | Int(values[10]) << 16 | Int(values[11]) << 8 | Int(values[12])
        guard declared > 0 else { return damaged(.malformed, "declares an empty manifest store") }
        guard declared <= values.count - headerLength else {
            return damaged(
                .truncated,
                "declares a manifest store of \(declared) bytes but its variation-selector run holds only \(values.count - headerLength), ending at offset \(run.end)\(cut)"
            )
        }
        return .success(Wrapper(store: Array(values[headerLength..<(headerLength + declared)]), range: at..<run.end))
    }

    /// The bytes a run of variation selectors carries, where it ends, and where a selector is cut short (its
    /// first bytes present, the rest not a selector's).
    struct SelectorRun {
        var values: [UInt8] = []
        var end: Int
        var cutAt: Int?
        /// Where the cut selector's bytes end.
        var cutEnd: Int?
    }

    /// The maximal run of variation selectors starting at `start`.
    static func selectorRun(_ bytes: [UInt8], from start: Int) -> SelectorRun {
        var run = SelectorRun(end: start)
        var i = start
        let n = bytes.count
        while i < n {
            if bytes[i] == 0xEF {
                guard i + 1 < n, bytes[i + 1] == 0xB8 else {
                    if i + 1 >= n { (run.cutAt, run.cutEnd) = (i, n) }
                    break
                }
                guard i + 2 < n, (0x80...0x8F).contains(bytes[i + 2]) else {
                    if i + 2 >= n { (run.cutAt, run.cutEnd) = (i, n) }
                    break
                }
                run.values.append(bytes[i + 2] - 0x80)
                i += 3
            } else if bytes[i] == 0xF3 {
                guard i + 1 < n, bytes[i + 1] == 0xA0 else {
                    if i + 1 >= n { (run.cutAt, run.cutEnd) = (i, n) }
                    break
                }
                guard i + 2 < n, (0x84...0x87).contains(bytes[i + 2]) else {
                    if i + 2 >= n { (run.cutAt, run.cutEnd) = (i, n) }
                    break
                }
                guard i + 3 < n, bytes[i + 3] & 0xC0 == 0x80 else {
                    (run.cutAt, run.cutEnd) = (i, min(i + 3, n))
                    break
                }
                let low = Int(bytes[i + 2] & 0x3F) << 6 | Int(bytes[i + 3] & 0x3F)
                guard low <= 0x1EF else { break }
                run.values.append(UInt8(low - 0x100 + 16))
                i += 4
            } else {
                break
            }
        }
        run.end = i
        return run
    }

    /// The offset of the next U+FEFF at or after `from`.
    static func nextMarker(in bytes: [UInt8], from: Int) -> Int? {
        var i = from
        let n = bytes.count
        while i + 2 < n {
            if bytes[i] == 0xEF, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF { return i }
            i += 1
        }
        return nil
    }
}

/// A manifest carrier in text (a wrapper, a block) that was recognised but does not parse: its error for readers,
/// its range for removal (so re-signing replaces it).
struct DamagedTextManifest: Error {
    var range: Range<Int>
    var error: SigilError

    /// The carriers found, or the first damaged one's error.
    static func located<T>(_ candidates: [Result<T, DamagedTextManifest>]) throws -> [T] {
        try candidates.map { candidate in
            switch candidate {
            case .success(let found): return found
            case .failure(let damaged): throw damaged.error
            }
        }
    }

    /// The ranges of every carrier, damaged ones included.
    static func ranges<T>(_ candidates: [Result<T, DamagedTextManifest>], _ range: (T) -> Range<Int>) -> [Range<Int>] {
        candidates.map { candidate in
            switch candidate {
            case .success(let found): range(found)
            case .failure(let damaged): damaged.range
            }
        }
    }
}
