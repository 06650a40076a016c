import SigilLedger
import Testing

/// Property tests: any change to an entry, a proof or a checkpoint makes verification fail.
@Suite struct TamperingTests {
    static let seeds: [UInt64] = Array(1...40)

    @Test("a modified entry or proof fails inclusion", arguments: seeds)
    func modifiedInclusionFails(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let size = Int.random(in: 2...200, using: &random)
        let entries = (0..<size).map { i in
            (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) } + [UInt8(i & 0xFF)]
        }
        let leaves = entries.map { Merkle.leafHash($0) }
        let table = NodeTable(leaves: leaves)
        let root = table.root(size: UInt64(size))
        let index = Int.random(in: 0..<size, using: &random)
        let proof = table.inclusionProof(index: UInt64(index), size: UInt64(size))
        try proof.verify(leafHash: leaves[index], root: root)

        // The entry: flip one bit, append a byte, drop a byte.
        var entry = entries[index]
        let bit = Int.random(in: 0..<(entry.count * 8), using: &random)
        entry[bit / 8] ^= UInt8(1 << (bit % 8))
        #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(leafHash: Merkle.leafHash(entry), root: root) }
        #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(leafHash: Merkle.leafHash(entries[index] + [0]), root: root) }
        #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(leafHash: Merkle.leafHash(entries[index].dropLast()), root: root) }
        // Another leaf's hash at this index, and this leaf at another index.
        let other = (index + 1 + Int.random(in: 0..<(size - 1), using: &random)) % size
        #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(leafHash: leaves[other], root: root) }
        var moved = proof
        moved.index = UInt64(other)
        #expect(throws: SigilError(.invalidProof, "")) { try moved.verify(leafHash: leaves[index], root: root) }
        // A flipped bit in any proof hash, a wrong tree size, a wrong root.
        if !proof.hashes.isEmpty {
            var bad = proof
            let position = Int.random(in: 0..<bad.hashes.count, using: &random)
            bad.hashes[position] = bad.hashes[position].flipping(bit: Int.random(in: 0..<256, using: &random))
            #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(leafHash: leaves[index], root: root) }
            bad = proof
            bad.hashes.swapAt(0, bad.hashes.count - 1)
            if bad.hashes != proof.hashes {
                #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(leafHash: leaves[index], root: root) }
            }
        }
        #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(leafHash: leaves[index], root: root.flipping(bit: 3)) }
        var resized = proof
        resized.treeSize = UInt64(size * 2 + 1)
        #expect(throws: SigilError(.invalidProof, "")) { try resized.verify(leafHash: leaves[index], root: root) }
    }

    @Test("a modified consistency proof or root fails", arguments: seeds)
    func modifiedConsistencyFails(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &* 7919)
        let size = Int.random(in: 3...200, using: &random)
        let table = NodeTable(leaves: Vectors.leaves(size))
        let old = UInt64.random(in: 1..<UInt64(size), using: &random)
        let n = UInt64(size)
        let proof = table.consistencyProof(oldSize: old, newSize: n)
        try proof.verify(oldRoot: table.root(size: old), newRoot: table.root(size: n))
        var bad = proof
        let position = Int.random(in: 0..<bad.hashes.count, using: &random)
        bad.hashes[position] = bad.hashes[position].flipping(bit: Int.random(in: 0..<256, using: &random))
        #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(oldRoot: table.root(size: old), newRoot: table.root(size: n)) }
        #expect(throws: SigilError(.invalidProof, "")) {
            try proof.verify(oldRoot: table.root(size: old).flipping(bit: 9), newRoot: table.root(size: n))
        }
        #expect(throws: SigilError(.invalidProof, "")) {
            try proof.verify(oldRoot: table.root(size: old), newRoot: table.root(size: n).flipping(bit: 200))
        }
        // A fork: the new tree with one leaf replaced is not consistent with the old one.
        var forked = Vectors.leaves(size)
        forked[Int.random(in: 0..<Int(old), using: &random)] = Merkle.leafHash([0xFF])
        #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(oldRoot: table.root(size: old), newRoot: Merkle.root(of: forked)) }
        var resized = proof
        resized.oldSize = old == 1 ? 2 : old - 1
        #expect(throws: SigilError(.invalidProof, "")) { try resized.verify(oldRoot: table.root(size: old), newRoot: table.root(size: n)) }
    }

    @Test("a modified checkpoint or tlog-proof fails", arguments: seeds.prefix(20))
    func modifiedCheckpointFails(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &* 104_729)
        let signer = try NoteSigner(name: "log.example/aigc", seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
        let size = Int.random(in: 1...100, using: &random)
        let leaves = Vectors.leaves(size)
        let table = NodeTable(leaves: leaves)
        let checkpoint = Checkpoint(origin: signer.name, size: UInt64(size), root: table.root(size: UInt64(size)))
        let note = try checkpoint.signed(by: signer).formatted
        let index = UInt64.random(in: 0..<UInt64(size), using: &random)
        let proof = TlogProof(extra: nil, index: index, hashes: table.inclusionProof(index: index, size: UInt64(size)).hashes, checkpointNote: note)
        try proof.verify(leafHash: leaves[Int(index)], verifiers: [signer.verifier], origin: signer.name)

        // Change one character of the checkpoint text (never the signature block): the signature fails or it no longer parses.
        var bytes = Array(note.utf8)
        let textLength = checkpoint.text.utf8.count
        let position = Int.random(in: 0..<(textLength - 1), using: &random)
        bytes[position] = bytes[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let tamperedNote = String(decoding: bytes, as: UTF8.self)
        #expect(throws: SigilError.self) { try Checkpoint(note: tamperedNote, verifiers: [signer.verifier]) }
        var tampered = proof
        tampered.checkpointNote = tamperedNote
        #expect(throws: SigilError.self) { try tampered.verify(leafHash: leaves[Int(index)], verifiers: [signer.verifier]) }

        // A re-signed checkpoint with another size or root by a different key is refused.
        let stranger = try NoteSigner(name: signer.name, seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
        let forged = try Checkpoint(origin: signer.name, size: UInt64(size), root: Merkle.leafHash([1])).signed(by: stranger).formatted
        #expect(throws: SigilError(.invalidSignature, "")) { try Checkpoint(note: forged, verifiers: [signer.verifier]) }
        // A flipped signature bit is refused.
        var signed = try SignedNote(parsing: note)
        signed.signatures[0].bytes[Int.random(in: 0..<64, using: &random)] ^= 0x10
        #expect(throws: SigilError(.invalidSignature, "")) { try Checkpoint(note: signed.formatted, verifiers: [signer.verifier]) }
        // The right checkpoint with a proof for another leaf fails.
        if size > 1 {
            let other = (Int(index) + 1) % size
            #expect(throws: SigilError(.invalidProof, "")) { try proof.verify(leafHash: leaves[other], verifiers: [signer.verifier]) }
        }
        // Text round trip of the proof file.
        #expect(try TlogProof(text: proof.text) == proof)
    }
}
