/// A vocabulary: token text to id, compared byte for byte (not by Swift's canonical string equivalence, under
/// which `";"` equals U+037E and `"é"` equals `"e\u{301}"` though vocabularies hold them as different tokens).
///
/// Open addressing over a byte arena; lookups take a `String`, a pair of strings (their concatenation, without
/// building it) or raw bytes.
struct TokenIndex: Sendable {
    /// Per slot: the entry index + 1 in the low 32 bits (0 = empty), the top 32 hash bits in the high ones.
    private var slots: [UInt64]
    private var entries: [Entry] = []
    private(set) var ids: [Int32] = []

    private struct Entry {
        var hash: UInt64
        var start: Int32
        var length: Int32
    }
    /// Token texts, parallel to ``ids``.
    private(set) var texts: [String] = []
    private var arena: [UInt8] = []

    /// The number of distinct texts.
    var count: Int { texts.count }

    /// An empty index sized for about `capacity` tokens.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    @inline(__always)
    private static func slotIndex(_ hash: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (hash ^ hash >> 29) &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
    }

    /// Maps `text` to `id`; a text already present gets the new id (like a dictionary built in file order).
    mutating func set(_ text: String, _ id: Int32) {
        var text = text
        let inserted = text.withUTF8 { bytes in
            let hash = Self.hash(bytes)
            if let entry = find(bytes, hash: hash) {
                ids[entry] = id
                return false
            }
            if (entries.count + 1) * 2 > slots.count { grow() }
            let entry = Int32(entries.count)
            entries.append(Entry(hash: hash, start: Int32(arena.count), length: Int32(bytes.count)))
            ids.append(id)
            arena.append(contentsOf: bytes)
            place(entry, hash: hash)
            return true
        }
        if inserted { texts.append(text) }
    }

    private mutating func place(_ entry: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Self.slotIndex(hash, mask)
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
    }

    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        for entry in entries.indices { place(Int32(entry), hash: entries[entry].hash) }
    }

    /// The entry whose bytes equal `first` followed by `second`.
    @inline(__always)
    private func find(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>? = nil, hash: UInt64) -> Int? {
        let length = first.count + (second?.count ?? 0)
        let mask = slots.count - 1
        var slot = Self.slotIndex(hash, mask)
        return arena.withUnsafeBufferPointer { arena in
            while true {
                let stored = slots[slot]
                if stored == 0 { return nil }
                let entry = Int(stored & 0xFFFF_FFFF) - 1
                if stored >> 32 == hash >> 32, entries[entry].hash == hash, Int(entries[entry].length) == length {
                    let start = Int(entries[entry].start)
                    var equal = true
                    for offset in 0..<first.count where arena[start + offset] != first[offset] {
                        equal = false
                        break
                    }
                    if equal, let second {
                        let secondStart = start + first.count
                        for offset in 0..<second.count where arena[secondStart + offset] != second[offset] {
                            equal = false
                            break
                        }
                    }
                    if equal { return entry }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private func find(_ first: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        find(first, nil, hash: hash)
    }

    /// The id of `text`.
    func id(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { bytes in id(bytes: bytes) }
    }

    /// The id of the UTF-8 text `bytes`.
    func id(bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        find(bytes, hash: Self.hash(bytes)).map { ids[$0] }
    }

    /// The id of `left + right`, without building the string.
    func id(_ left: String, _ right: String) -> Int32? {
        var left = left
        var right = right
        return left.withUTF8 { first in
            right.withUTF8 { second in
                let hash = Self.hash(second, Self.hash(first))
                return find(first, second, hash: hash).map { ids[$0] }
            }
        }
    }
}
