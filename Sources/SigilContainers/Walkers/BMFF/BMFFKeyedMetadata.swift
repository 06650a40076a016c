/// A `meta` box as QuickTime metadata and the TC260 guides use it (PG-20257A §6.1.1, PG-202510A): a `hdlr` box
/// naming the handler (`mdta`), a `keys` box listing `mdta` keys, and an `ilst` box whose items are typed by the
/// 1-based index of their key and hold a `data` box. Shared by every ISO BMFF format that writes the label
/// (M4A now; MP4 and MOV use the same site).
///
/// Parsing keeps every child box's bytes; ``setting(_:to:)`` changes the one key and leaves every other key,
/// item and child box as it was (renumbering items only when a duplicate key is dropped).
struct BMFFKeyedMetadata: Sendable {
    /// The `meta` box's 4 version/flags bytes (ISO) or nil (QuickTime `meta`, which has none).
    var fullBoxHeader: [UInt8]?
    /// The child boxes in order, as type and whole-box bytes.
    var children: [(type: String, bytes: [UInt8])]

    /// A key of the `keys` box.
    struct Key: Sendable, Hashable {
        var namespace: [UInt8]
        var name: [UInt8]
        /// The name without trailing NULs (some writers count one in the key size).
        var text: String {
            var trimmed = name
            while trimmed.last == 0 { trimmed.removeLast() }
            return String(decoding: trimmed, as: UTF8.self)
        }
    }

    /// An `ilst` item: its type (the key index for `mdta` metadata) and its whole-box bytes.
    struct Item: Sendable, Hashable {
        var type: UInt32
        var bytes: [UInt8]
    }

    /// An empty `mdta` meta box (ISO FullBox form) with just its handler.
    static let empty = BMFFKeyedMetadata(fullBoxHeader: [0, 0, 0, 0], children: [("hdlr", handler("mdta"))])

    /// A `hdlr` box for `type`, with an empty name.
    static func handler(_ type: String) -> [UInt8] {
        BMFFBoxBytes.make("hdlr", [0, 0, 0, 0] + [0, 0, 0, 0] + Array(type.utf8) + [UInt8](repeating: 0, count: 12) + [0])
    }

    /// Parses the content of a `meta` box (everything after its 8- or 16-byte header).
    ///
    /// - Throws: ``SigilError`` `.truncated` when a child box runs past the content; `base` is its file offset.
    init(content: [UInt8], base: Int) throws {
        // ISO `meta` is a FullBox; QuickTime's starts straight with a child box (usually `hdlr`).
        let bare = content.count >= 8 && ["hdlr", "keys", "ilst", "free"].contains(String(decoding: content[4..<8], as: UTF8.self))
        fullBoxHeader = bare ? nil : Array(content.prefix(4))
        let start = bare ? 0 : min(4, content.count)
        children = try BMFFBoxBytes.children(content, start..<content.count, base: base).map { ($0.type, Array(content[$0.range])) }
    }

    init(fullBoxHeader: [UInt8]?, children: [(type: String, bytes: [UInt8])]) {
        self.fullBoxHeader = fullBoxHeader
        self.children = children
    }

    /// The handler type (`mdta`, `mdir`, …), or nil without a readable `hdlr`.
    var handlerType: String? {
        guard let hdlr = children.first(where: { $0.type == "hdlr" })?.bytes, hdlr.count >= 20 else { return nil }
        return String(decoding: hdlr[16..<20], as: UTF8.self)
    }

    /// The keys of the `keys` box, in order (entry 1 first).
    func keys() throws -> [Key] {
        guard let box = children.first(where: { $0.type == "keys" })?.bytes else { return [] }
        try box.require(16, at: 0, for: "BMFF keys box")
        let count = box.u32be(12)
        guard count <= (box.count - 16) / 8 else {
            throw SigilError.malformed("BMFF keys box", at: 0, "declares \(count) keys in \(box.count) bytes")
        }
        var keys: [Key] = []
        var i = 16
        for index in 0..<count {
            try box.require(8, at: i, for: "BMFF key \(index + 1)")
            let size = box.u32be(i)
            guard size >= 8, box.has(size, at: i) else {
                throw SigilError.truncated("BMFF key \(index + 1)", at: i, needs: size, remaining: box.count - i)
            }
            keys.append(Key(namespace: Array(box[(i + 4)..<(i + 8)]), name: Array(box[(i + 8)..<(i + size)])))
            i += size
        }
        return keys
    }

    /// The items of the `ilst` box, in order.
    func items() throws -> [Item] {
        guard let box = children.first(where: { $0.type == "ilst" })?.bytes else { return [] }
        return try BMFFBoxBytes.children(box, 8..<box.count, base: 0).map {
            Item(type: UInt32(box.u32be($0.range.lowerBound + 4)), bytes: Array(box[$0.range]))
        }
    }

    /// The value of an item's first `data` box (after its type and locale), or nil.
    static func value(of item: [UInt8]) -> [UInt8]? {
        guard let data = try? BMFFBoxBytes.children(item, 8..<item.count, base: 0).first(where: { $0.type == "data" }), data.range.count >= 16 else {
            return nil
        }
        return Array(item[(data.range.lowerBound + 16)..<data.range.upperBound])
    }

    /// An item of type `index` holding `value` as UTF-8 text (well-known type 1).
    static func textItem(index: UInt32, _ value: String) -> [UInt8] {
        let data = BMFFBoxBytes.make("data", [0, 0, 0, 1] + [0, 0, 0, 0] + Array(value.utf8))
        return UInt32(8 + data.count).bigEndianBytes(4) + index.bigEndianBytes(4) + data
    }

    /// This metadata with the `mdta` key `name` set to `value`: the first such key keeps its place and gets its
    /// item replaced, later duplicates are removed (items after them renumbered), or the key is appended.
    func setting(_ name: String, to value: String) throws -> BMFFKeyedMetadata {
        let keys = try keys()
        let items = try items()
        var newKeys: [Key] = []
        var renumber: [UInt32: UInt32] = [:]
        var target: UInt32?
        for (offset, key) in keys.enumerated() {
            let old = UInt32(offset + 1)
            if key.text == name {
                if target != nil { continue }
                newKeys.append(Key(namespace: Array("mdta".utf8), name: Array(name.utf8)))
                target = UInt32(newKeys.count)
            } else {
                newKeys.append(key)
            }
            renumber[old] = UInt32(newKeys.count)
        }
        if target == nil {
            newKeys.append(Key(namespace: Array("mdta".utf8), name: Array(name.utf8)))
            target = UInt32(newKeys.count)
        }
        let label = Self.textItem(index: target!, value)
        var newItems: [UInt8] = []
        var placed = false
        for item in items {
            guard let index = renumber[item.type] else { continue } // an item of a removed duplicate key, or of no key
            if index == target {
                if !placed { newItems += label }
                placed = true
            } else {
                newItems += Array(item.bytes[0..<4]) + index.bigEndianBytes(4) + item.bytes[8...]
            }
        }
        if !placed { newItems += label }
        var keysBox = [UInt8](repeating: 0, count: 4) + UInt32(newKeys.count).bigEndianBytes(4)
        for key in newKeys { keysBox += UInt32(8 + key.name.count).bigEndianBytes(4) + key.namespace + key.name }
        var out = self
        out.put("keys", BMFFBoxBytes.make("keys", keysBox))
        out.put("ilst", BMFFBoxBytes.make("ilst", newItems))
        return out
    }

    /// This metadata without the label sites ``BMFFLabelReader`` finds in it (keys naming `AIGC` and their items,
    /// iTunes `----` items named `AIGC`, keyless items holding label JSON), or nil when it has none. Items of other
    /// keys are renumbered when a key before theirs goes.
    func removingLabels() throws -> BMFFKeyedMetadata? {
        let keys = try keys()
        let items = try items()
        var out = self
        if !keys.isEmpty {
            guard keys.contains(where: { $0.text.uppercased().contains("AIGC") }) else { return nil }
            var renumber: [UInt32: UInt32] = [:]
            var kept: [Key] = []
            for (offset, key) in keys.enumerated() where !key.text.uppercased().contains("AIGC") {
                kept.append(key)
                renumber[UInt32(offset + 1)] = UInt32(kept.count)
            }
            let newItems = items.compactMap { item -> [UInt8]? in
                guard let index = renumber[item.type] else { return nil }
                return Array(item.bytes[0..<4]) + index.bigEndianBytes(4) + item.bytes[8...]
            }
            var keysBox = [UInt8](repeating: 0, count: 4) + UInt32(kept.count).bigEndianBytes(4)
            for key in kept { keysBox += UInt32(8 + key.name.count).bigEndianBytes(4) + key.namespace + key.name }
            out.put("keys", BMFFBoxBytes.make("keys", keysBox))
            out.put("ilst", BMFFBoxBytes.make("ilst", newItems.flatMap { $0 }))
            return out
        }
        let isLabel: (Item) -> Bool = { item in
            if item.type == 0x2D2D_2D2D { return BMFFLabelReader.freeformName(item.bytes)?.uppercased() == "AIGC" }
            let text = Self.value(of: item.bytes).map { TextDecoding.utf8OrLatin1($0) } ?? ""
            return text.contains("\"ContentProducer\"") || text.contains("\"Label\"")
        }
        guard items.contains(where: isLabel) else { return nil }
        out.put("ilst", BMFFBoxBytes.make("ilst", items.filter { !isLabel($0) }.flatMap(\.bytes)))
        return out
    }

    /// Replaces the first child of `type` or appends it.
    mutating func put(_ type: String, _ bytes: [UInt8]) {
        if let index = children.firstIndex(where: { $0.type == type }) {
            children[index].bytes = bytes
        } else {
            children.append((type, bytes))
        }
    }

    /// The whole `meta` box.
    var box: [UInt8] {
        BMFFBoxBytes.make("meta", (fullBoxHeader ?? []) + children.flatMap(\.bytes))
    }
}

/// Box bytes in memory: building boxes and listing the children of a range.
enum BMFFBoxBytes {
    /// A box of `type` around `content` (a 64-bit size when it needs one).
    static func make(_ type: String, _ content: [UInt8]) -> [UInt8] {
        if content.count + 8 <= Int(UInt32.max) { return UInt32(content.count + 8).bigEndianBytes(4) + Array(type.utf8) + content }
        return UInt32(1).bigEndianBytes(4) + Array(type.utf8) + UInt64(content.count + 16).bigEndianBytes(8) + content
    }

    /// The boxes in `range` of `bytes`; `base` is added to offsets in errors.
    static func children(_ bytes: [UInt8], _ range: Range<Int>, base: Int) throws -> [BMFFBox] {
        var out: [BMFFBox] = []
        do {
            try BMFFWalker.walk(MemoryByteSource(bytes), range, path: "", depth: 1, descend: false, into: &out)
        } catch let error as SigilError {
            throw SigilError(error.code, "\(error.message), counted from the box content at file offset \(base)", offset: base + (error.offset ?? 0))
        }
        // Size 0 ("to the end of the file") is for a top-level box only: inside a box it would swallow what follows.
        if let box = out.first(where: { bytes.u32be($0.range.lowerBound) == 0 }) {
            throw SigilError.malformed("BMFF box '\(box.type)'", at: base + box.range.lowerBound, "has size 0 inside another box")
        }
        return out
    }
}
