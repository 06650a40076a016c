/// Sets the `AIGC` key of an FLV file's `onMetaData` script tag, as edits of the file.
///
/// - The first `onMetaData` tag gets the key (an old value replaced where it stood, other keys kept); other script
///   tags lose theirs. Without an `onMetaData` tag, one is made as the first tag.
/// - Only script tags change, so the audio and video tags and their `PreviousTagSize`s are copied; the script tag's
///   `DataSize` and its own `PreviousTagSize` are rewritten. Tags after it move by the growth, so the absolute
///   offsets of the keyframe index (`filepositions` arrays, as ffmpeg's `add_keyframe_index` and yamdi write them)
///   are moved too, and a `filesize` that gave the file's length gives the new one.
struct FLVLabelWriter {
    let source: any ByteSource

    static let key = "AIGC"
    static let metadata = "onMetaData"
    /// The largest tag data size (24 bits).
    static let maximumDataSize = (1 << 24) - 1

    /// The edits that leave one `onMetaData` `AIGC` key holding `json`.
    ///
    /// - Throws: ``SigilError`` for a damaged file or metadata too large for a tag.
    func edits(json: String) throws -> EditPlan {
        let structure = try FLVStructure(source)
        var scripts: [(tag: FLVStructure.Tag, name: String, value: AMF0, rest: [UInt8])] = []
        for tag in structure.tags where tag.type == FLVStructure.Tag.script {
            let (name, value, rest) = try FLVStructure.script(tag, in: source)
            scripts.append((tag, name, value, rest))
        }
        let target = scripts.firstIndex { $0.name == Self.metadata && $0.value.entries != nil }
        // The new data of every script tag that changes, and the new first tag when there is no onMetaData.
        var changed: [Int: AMF0] = [:]
        for (index, script) in scripts.enumerated() {
            guard let entries = script.value.entries else { continue }
            if index == target {
                var list = entries
                let label = AMF0.Entry(key: Array(Self.key.utf8), value: .text(json))
                if let at = list.firstIndex(where: Self.isLabel) {
                    list[at] = label
                    list = list.enumerated().filter { $0.offset == at || !Self.isLabel($0.element) }.map(\.element)
                } else {
                    list.append(label)
                }
                changed[index] = script.value.with(entries: list)
            } else if entries.contains(where: Self.isLabel) {
                changed[index] = script.value.with(entries: entries.filter { !Self.isLabel($0) })
            }
        }
        let inserted: AMF0? = target == nil ? .ecmaArray(count: 1, [AMF0.Entry(key: Array(Self.key.utf8), value: .text(json))]) : nil
        let name = AMF0.text(Self.metadata).bytes

        func plan(_ changed: [Int: AMF0]) throws -> EditPlan {
            var plan = EditPlan(sourceLength: source.count)
            if let inserted {
                plan.insert(FLVStructure.tag(type: FLVStructure.Tag.script, data: name + inserted.bytes), at: structure.dataOffset + 4)
            }
            for (index, value) in changed.sorted(by: { $0.key < $1.key }) {
                let script = scripts[index]
                let data = AMF0.text(script.name).bytes + value.bytes + script.rest
                guard data.count <= Self.maximumDataSize else {
                    throw SigilError(.capacity, "the FLV script tag at offset \(script.tag.offset) would exceed 16 MiB", offset: script.tag.offset)
                }
                let header = try source.read(script.tag.offset..<(script.tag.offset + 11))
                plan.replace(script.tag.range, with: FLVStructure.tag(type: FLVStructure.Tag.script, data: data, header: header))
            }
            return plan
        }
        // Numbers are 8 bytes whatever their value: the layout is known before the offsets are moved.
        let layout = try plan(changed)
        guard let target, let value = changed[target] else { return layout }
        let length = layout.resultLength
        changed[target] = Self.moved(value, map: { layout.newOffset(of: $0) }, oldLength: source.count, newLength: length)
        return try plan(changed)
    }

    static func isLabel(_ entry: AMF0.Entry) -> Bool { String(decoding: entry.key, as: UTF8.self).uppercased() == key }

    /// `value` with every `filepositions` number moved by `map`, and a `filesize` of `oldLength` set to `newLength`.
    static func moved(_ value: AMF0, map: (Int) -> Int, oldLength: Int, newLength: Int, depth: Int = 0) -> AMF0 {
        guard let entries = value.entries, depth < AMF0.maximumDepth else { return value }
        let list = entries.map { entry -> AMF0.Entry in
            var entry = entry
            switch (String(decoding: entry.key, as: UTF8.self), entry.value) {
            case ("filepositions", .strictArray(let values)):
                entry.value = .strictArray(
                    values.map { item in
                        guard case .number(let bits) = item, let offset = Self.offset(bits), offset <= oldLength else { return item }
                        return .number(Double(map(offset)).bitPattern)
                    })
            case ("filesize", .number(let bits)) where Self.offset(bits) == oldLength:
                entry.value = .number(Double(newLength).bitPattern)
            default:
                entry.value = moved(entry.value, map: map, oldLength: oldLength, newLength: newLength, depth: depth + 1)
            }
            return entry
        }
        return value.with(entries: list)
    }

    /// A number's value as a file offset, when it is a whole number in range.
    static func offset(_ bits: UInt64) -> Int? {
        let value = Double(bitPattern: bits)
        guard value.isFinite, value >= 0, value < 1e15, value == value.rounded() else { return nil }
        return Int(value)
    }
}
