/// The `BPE` model of a `tokenizer.json`: splits one word into characters, maps them to ids (with byte fallback
/// and unknown-token handling as configured) and applies merges, lowest rank first and leftmost among equals.
///
/// Short words use a linear scan; long ones (SentencePiece-style tokenizers send whole paragraphs) a binary heap
/// over a linked list, O(n log n).
struct BytePairEncoder: Sendable {
    /// The id of each single-scalar token of the Basic Multilingual Plane, -1 when there is none.
    let bmpIds: [Int32]
    /// The ids of single-scalar tokens above U+FFFF.
    let astralIds: [UInt32: Int32]
    /// For `ByteLevel` input: the id of the character each byte maps to, -1 when the vocabulary lacks it.
    let byteLevelIds: [Int32]
    /// The ids of `<0x00>` … `<0xFF>` when `byte_fallback` is on (-1 for missing ones); empty when off.
    let byteFallbackIds: [Int32]
    /// The unknown token's id, -1 when the model has none.
    let unknownId: Int32
    /// `fuse_unk`: consecutive unknown characters become one unknown token.
    let fuseUnknown: Bool
    /// The merges: packed pair of ids to packed rank and result id.
    let merges: PairTable
    /// Token ids by text, kept only when `ignore_merges` is on (whole words in the vocabulary skip merging).
    let wholeWordIds: TokenIndex?

    /// Words with more symbols than this use the heap.
    static let heapThreshold = 48

    init(
        vocabulary: TokenIndex, merges: PairTable, byteFallback: Bool, unknownId: Int32, fuseUnknown: Bool,
        ignoreMerges: Bool
    ) {
        var bmp = [Int32](repeating: -1, count: 0x10000)
        var astral: [UInt32: Int32] = [:]
        for (token, id) in zip(vocabulary.texts, vocabulary.ids) {
            var scalars = token.unicodeScalars.makeIterator()
            guard let scalar = scalars.next(), scalars.next() == nil else { continue }
            if scalar.value < 0x10000 {
                bmp[Int(scalar.value)] = id
            } else {
                astral[scalar.value] = id
            }
        }
        var byteLevel = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            let scalar = ByteLevelAlphabet.scalarOfByte[byte]
            byteLevel[byte] = bmp[Int(scalar)]
        }
        var fallback: [Int32] = []
        if byteFallback {
            fallback = (0..<256).map { byte in vocabulary.id(Self.byteTokenName(UInt8(byte))) ?? -1 }
        }
        self.bmpIds = bmp
        self.astralIds = astral
        self.byteLevelIds = byteLevel
        self.byteFallbackIds = fallback
        self.unknownId = unknownId
        self.fuseUnknown = fuseUnknown
        self.merges = merges
        self.wholeWordIds = ignoreMerges ? vocabulary : nil
    }

    /// `<0xAB>`, the byte-fallback token of a byte.
    static func byteTokenName(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [0x3C, 0x30, 0x78, digits[Int(byte >> 4)], digits[Int(byte & 15)], 0x3E], as: UTF8.self)
    }

    /// Reusable buffers for ``encode(_:_:_:byteLevel:scratch:into:)``.
    struct Scratch {
        var symbols: [Int32] = []
        var pairs: [UInt64] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        var heap: [UInt64] = []
        var pendingUnknown = false
    }

    @inline(__always)
    func scalarId(_ value: UInt32) -> Int32 {
        if value < 0x10000 { return bmpIds[Int(value)] }
        return astralIds[value] ?? -1
    }

    /// Appends the ids of the word `text[start..<end]` to `output`. With `byteLevel`, each byte stands for its
    /// `ByteLevel` character; otherwise the bytes are UTF-8 text and each scalar is a character.
    func encode(
        _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, byteLevel: Bool,
        scratch: inout Scratch, into output: inout [Int32]
    ) {
        guard start < end else { return }
        if let wholeWordIds,
            let id = byteLevel
                ? wholeWordIds.id(wordText(text, start, end))
                : wholeWordIds.id(bytes: UnsafeBufferPointer(rebasing: text[start..<end]))
        {
            output.append(id)
            return
        }
        scratch.symbols.removeAll(keepingCapacity: true)
        scratch.pendingUnknown = false
        if byteLevel {
            for index in start..<end {
                let id = byteLevelIds[Int(text[index])]
                if id >= 0 {
                    appendKnown(id, &scratch)
                } else {
                    appendUnknown(ByteLevelAlphabet.scalarOfByte[Int(text[index])], &scratch)
                }
            }
        } else {
            var index = start
            let word = UnsafeBufferPointer(rebasing: text[start..<end])
            while index < end {
                let (value, length) = decodeScalar(word, index - start)
                let id = scalarId(value)
                if id >= 0 {
                    appendKnown(id, &scratch)
                } else {
                    appendUnknown(value, &scratch)
                }
                index += length
            }
        }
        if scratch.pendingUnknown { scratch.symbols.append(unknownId) }
        let count = scratch.symbols.count
        if count <= 1 {
            output.append(contentsOf: scratch.symbols)
        } else if count <= Self.heapThreshold {
            mergeByScanning(&scratch, into: &output)
        } else {
            mergeWithHeap(&scratch, into: &output)
        }
    }

    /// The `ByteLevel` characters of the bytes `text[start..<end]`.
    private func wordText(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var word = String.UnicodeScalarView()
        for index in start..<end {
            if let scalar = Unicode.Scalar(ByteLevelAlphabet.scalarOfByte[Int(text[index])]) { word.append(scalar) }
        }
        return String(word)
    }

    @inline(__always)
    private func appendKnown(_ id: Int32, _ scratch: inout Scratch) {
        if scratch.pendingUnknown {
            scratch.symbols.append(unknownId)
            scratch.pendingUnknown = false
        }
        scratch.symbols.append(id)
    }

    private func appendUnknown(_ value: UInt32, _ scratch: inout Scratch) {
        if !byteFallbackIds.isEmpty, let scalar = Unicode.Scalar(value) {
            var ids: [Int32] = []
            var complete = true
            UTF8.encode(scalar) { byte in
                let id = byteFallbackIds[Int(byte)]
                if id < 0 { complete = false }
                ids.append(id)
            }
            if complete {
                for id in ids { appendKnown(id, &scratch) }
                return
            }
        }
        guard unknownId >= 0 else { return }
        if scratch.pendingUnknown, !fuseUnknown { scratch.symbols.append(unknownId) }
        scratch.pendingUnknown = true
    }

    /// O(n²) merging for short words: repeatedly merge the lowest-ranked adjacent pair (leftmost on ties).
    private func mergeByScanning(_ scratch: inout Scratch, into output: inout [Int32]) {
        var count = scratch.symbols.count
        scratch.pairs.removeAll(keepingCapacity: true)
        for index in 0..<(count - 1) {
            scratch.pairs.append(merges.lookup(scratch.symbols[index], scratch.symbols[index + 1]))
        }
        scratch.symbols.withUnsafeMutableBufferPointer { symbols in
            scratch.pairs.withUnsafeMutableBufferPointer { pairs in
                while count > 1 {
                    var best = PairTable.missing
                    var bestIndex = -1
                    for index in 0..<(count - 1) where pairs[index] < best {
                        best = pairs[index]
                        bestIndex = index
                    }
                    guard bestIndex >= 0 else { break }
                    symbols[bestIndex] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
                    // Remove symbol bestIndex + 1 and pair bestIndex + 1 (shifting left).
                    var index = bestIndex + 1
                    while index < count - 1 {
                        symbols[index] = symbols[index + 1]
                        index += 1
                    }
                    index = bestIndex + 1
                    while index < count - 2 {
                        pairs[index] = pairs[index + 1]
                        index += 1
                    }
                    count -= 1
                    if bestIndex > 0 {
                        pairs[bestIndex - 1] = merges.lookup(symbols[bestIndex - 1], symbols[bestIndex])
                    }
                    if bestIndex < count - 1 {
                        pairs[bestIndex] = merges.lookup(symbols[bestIndex], symbols[bestIndex + 1])
                    }
                }
            }
        }
        output.append(contentsOf: scratch.symbols[0..<count])
    }

    /// O(n log n) merging: a min-heap of (rank, position) over a doubly linked list of symbols; stale heap
    /// entries are recognised by re-checking the pair's rank.
    private func mergeWithHeap(_ scratch: inout Scratch, into output: inout [Int32]) {
        let count = scratch.symbols.count
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.heap.removeAll(keepingCapacity: true)
        scratch.pairs.removeAll(keepingCapacity: true)
        for index in 0..<count {
            scratch.previous.append(Int32(index - 1))
            scratch.next.append(index + 1 < count ? Int32(index + 1) : -1)
        }
        var heap = MinHeap(storage: [])
        swap(&heap.storage, &scratch.heap)
        // pairs[i]: the merge (rank << 32 | id) of the pair that starts at symbol i now, or missing.
        for index in 0..<(count - 1) {
            let value = merges.lookup(scratch.symbols[index], scratch.symbols[index + 1])
            scratch.pairs.append(value)
            if value != PairTable.missing { heap.push((value >> 32) << 32 | UInt64(index)) }
        }
        scratch.pairs.append(PairTable.missing)
        while let top = heap.pop() {
            let position = Int(top & 0xFFFF_FFFF)
            let value = scratch.pairs[position]
            // Stale: the symbol was merged away, or the pair starting here changed since this entry was pushed.
            guard value >> 32 == top >> 32, scratch.symbols[position] >= 0 else { continue }
            let right = Int(scratch.next[position])
            scratch.symbols[position] = Int32(truncatingIfNeeded: value & 0xFFFF_FFFF)
            scratch.symbols[right] = -1
            scratch.pairs[right] = PairTable.missing
            let after = scratch.next[right]
            scratch.next[position] = after
            if after >= 0 { scratch.previous[Int(after)] = Int32(position) }
            let before = Int(scratch.previous[position])
            if before >= 0 {
                let pair = merges.lookup(scratch.symbols[before], scratch.symbols[position])
                scratch.pairs[before] = pair
                if pair != PairTable.missing { heap.push((pair >> 32) << 32 | UInt64(before)) }
            }
            if after >= 0 {
                let pair = merges.lookup(scratch.symbols[position], scratch.symbols[Int(after)])
                scratch.pairs[position] = pair
                if pair != PairTable.missing { heap.push((pair >> 32) << 32 | UInt64(position)) }
            } else {
                scratch.pairs[position] = PairTable.missing
            }
        }
        swap(&heap.storage, &scratch.heap)
        var index = 0
        while index >= 0 {
            output.append(scratch.symbols[index])
            index = Int(scratch.next[index])
        }
    }
}

/// A binary min-heap of `UInt64`.
struct MinHeap {
    var storage: [UInt64]

    mutating func push(_ value: UInt64) {
        storage.append(value)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[parent] > storage[child] else { break }
            storage.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        let top = storage[0]
        storage[0] = last
        let count = storage.count
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count, storage[left + 1] < storage[left] { smallest = left + 1 }
            guard storage[smallest] < storage[parent] else { break }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}

/// An open-addressing hash map from a pair of token ids to `rank << 32 | mergedId`, built once and read-only.
///
/// Key and value share a 16-byte slot, so a lookup touches one cache line.
struct PairTable: Sendable {
    /// What ``lookup(_:_:)`` returns for a pair without a merge; larger than every stored value.
    static let missing = UInt64.max
    private static let emptyKey = UInt64.max

    private struct Slot {
        var key: UInt64
        var value: UInt64
    }

    private var slots: [Slot]
    private var shift: UInt64
    private(set) var count = 0

    /// An empty table sized for `capacity` entries.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Slot](repeating: Slot(key: Self.emptyKey, value: 0), count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private static func pack(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Sets the merge of `(left, right)`; a later call for the same pair replaces the earlier one.
    mutating func insert(_ left: Int32, _ right: Int32, rank: UInt32, merged: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        let key = Self.pack(left, right)
        let mask = slots.count - 1
        var index = slot(key)
        while slots[index].key != Self.emptyKey && slots[index].key != key { index = (index + 1) & mask }
        if slots[index].key == Self.emptyKey { count += 1 }
        slots[index] = Slot(key: key, value: UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged)))
    }

    private mutating func grow() {
        var bigger = PairTable(capacity: slots.count)
        for entry in slots where entry.key != Self.emptyKey {
            bigger.insert(
                Int32(bitPattern: UInt32(entry.key >> 32)), Int32(bitPattern: UInt32(entry.key & 0xFFFF_FFFF)),
                rank: UInt32(entry.value >> 32), merged: Int32(bitPattern: UInt32(entry.value & 0xFFFF_FFFF)))
        }
        self = bigger
    }

    /// `rank << 32 | mergedId` for the pair, or ``missing``.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> UInt64 {
        let key = Self.pack(left, right)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = slot(key)
            while true {
                let stored = slots[index]
                if stored.key == key { return stored.value }
                if stored.key == Self.emptyKey { return Self.missing }
                index = (index + 1) & mask
            }
        }
    }
}
