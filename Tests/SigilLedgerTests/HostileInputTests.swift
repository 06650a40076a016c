import SigilLedger
import Testing

/// Forged or damaged proofs, notes, checkpoints and vkeys end in a ``SigilError`` (or, rarely, still parse), never
/// in a crash: random mutations of valid texts and random bytes through every parser and verifier.
@Suite struct HostileInputTests {
    static let signer = try! NoteSigner(name: "log.example/hostile", seed: Array(repeating: 5, count: 32))

    static func validProof() throws -> (TlogProof, MerkleHash) {
        let leaves = Vectors.leaves(77)
        let table = NodeTable(leaves: leaves)
        let note = try Checkpoint(origin: signer.name, size: 77, root: table.root(size: 77)).signed(by: signer).formatted
        let proof = TlogProof(extra: [1, 2, 3], index: 41, hashes: table.inclusionProof(index: 41, size: 77).hashes, checkpointNote: note)
        return (proof, leaves[41])
    }

    @Test("mutated proof texts never crash", arguments: 0..<30)
    func mutatedProofs(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) &+ 991)
        let (proof, leaf) = try Self.validProof()
        var bytes = Array(proof.text.utf8)
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(UInt8.random(in: 0x20...0x7E, using: &random), at: position)
            default: bytes.insert(0x0A, at: position)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let parsed = try TlogProof(text: text)
            _ = try? parsed.verify(leafHash: leaf, verifiers: [Self.signer.verifier])
            _ = try? SignedNote(parsing: parsed.checkpointNote).verified(by: [Self.signer.verifier])
        } catch let error as SigilError {
            #expect(!error.message.isEmpty)
        }
        _ = try? Checkpoint(note: text, verifiers: [Self.signer.verifier])
        _ = try? NoteVerifier(vkey: text)
        _ = try? TileID(path: text)
        _ = try? EntryBundle.decode(bytes)
        _ = try? HashTile.decode(bytes)
    }

    @Test func extremeIndicesAndSizesAreRejected() async throws {
        let (proof, leaf) = try Self.validProof()
        for (index, size) in [(UInt64.max, UInt64.max), (UInt64.max - 1, UInt64.max), (0, UInt64.max), (UInt64.max, 1), (5, 0)] {
            let forged = InclusionProof(index: index, treeSize: size, hashes: proof.hashes)
            #expect(throws: SigilError.self) { try forged.verify(leafHash: leaf, root: Merkle.emptyRoot) }
        }
        for (old, new) in [(UInt64.max, UInt64.max - 1), (UInt64.max - 1, UInt64.max), (1, UInt64.max)] {
            #expect(throws: SigilError.self) {
                try ConsistencyProof(oldSize: old, newSize: new, hashes: proof.hashes).verify(oldRoot: leaf, newRoot: Merkle.emptyRoot)
            }
        }
        let hugeTree = TiledTree(size: UInt64.max)
        await #expect(throws: SigilError.self) {
            _ = try await hugeTree.inclusionProof(index: UInt64.max - 7, reading: { ids in ids.map { _ in [] } })
        }
        #expect(throws: SigilError.self) { try TlogProof(text: "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\nx\n") }
        #expect(throws: SigilError.self) { try TileID(path: "tile/0/x999/x999/x999/x999/x999/x999/x999/999") }
    }
}
