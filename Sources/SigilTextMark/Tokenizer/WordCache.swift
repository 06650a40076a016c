/// Remembers the ids of short words within one `encode` call (or one batch), so that repeated words skip BPE.
///
/// Open addressing over word bytes; keys and ids live in two flat arrays. Not shared between calls.
struct WordCache {
    /// Longer words are not cached (they rarely repeat and would bloat the key store).
    static let maxWordLength = 32
    /// The cache stops growing after this many words.
    static let maxEntries = 1 << 16

    private struct Entry {
        var hash: UInt64
        var keyStart: Int32
        var keyLength: Int32
        var idStart: Int32
        var idCount: Int32
    }

    private var slots: [Int32] = [Int32](repeating: -1, count: 256)
    private var entries: [Entry] = []
    private var keyBytes: [UInt8] = []
    private(set) var ids: [Int32] = []

    /// FNV-1a over `text[start..<end]`.
    @inline(__always)
    static func hash(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in start..<end {
            hash = (hash ^ UInt64(text[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The range of ``ids`` holding the word's ids, if cached.
    @inline(__always)
    func find(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: UInt64) -> Range<Int>? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 7) & mask
        let length = end - start
        while true {
            let entryIndex = slots[slot]
            if entryIndex < 0 { return nil }
            let entry = entries[Int(entryIndex)]
            if entry.hash == hash, Int(entry.keyLength) == length {
                var equal = true
                let keyStart = Int(entry.keyStart)
                for offset in 0..<length where keyBytes[keyStart + offset] != text[start + offset] {
                    equal = false
                    break
                }
                if equal { return Int(entry.idStart)..<Int(entry.idStart + entry.idCount) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Stores the ids of a word that ``find(_:_:_:hash:)`` did not find.
    mutating func insert(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: UInt64, ids wordIds: ArraySlice<Int32>) {
        guard entries.count < Self.maxEntries else { return }
        if (entries.count + 1) * 2 > slots.count { grow() }
        let entry = Entry(
            hash: hash, keyStart: Int32(keyBytes.count), keyLength: Int32(end - start),
            idStart: Int32(ids.count), idCount: Int32(wordIds.count))
        keyBytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<end]))
        ids.append(contentsOf: wordIds)
        place(Int32(entries.count), hash: hash)
        entries.append(entry)
    }

    private mutating func place(_ entryIndex: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 7) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = entryIndex
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for (index, entry) in entries.enumerated() { place(Int32(index), hash: entry.hash) }
    }
}
