import SigilLedger
import Testing

@Suite struct NoteTests {
    /// The example of c2sp.org/signed-note@v1.0.0.
    static let specVKey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    static let specNote =
        "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"

    @Test func specExampleVerifies() throws {
        let verifier = try NoteVerifier(vkey: Self.specVKey)
        #expect(verifier.name == "example.com/foo")
        #expect(verifier.keyID == 0x530d_903a)
        #expect(verifier.vkey == Self.specVKey)
        let note = try SignedNote(parsing: Self.specNote)
        #expect(note.text == "This is an example message.\n")
        #expect(note.signatures.count == 1)
        #expect(note.formatted == Self.specNote)
        #expect(try note.verified(by: [verifier]) == [verifier])
    }

    @Test func unknownSignaturesAreIgnoredAndKnownFailuresReject() throws {
        let verifier = try NoteVerifier(vkey: Self.specVKey)
        let witness = try NoteSigner(name: "witness.example", seed: Array(repeating: 7, count: 32))
        var note = try SignedNote(parsing: Self.specNote)
        note.signatures.append(try witness.sign(note.text))
        // The witness is unknown to this verifier: ignored.
        #expect(try note.verified(by: [verifier]).count == 1)
        // Both known: both verify.
        #expect(try note.verified(by: [verifier, witness.verifier]).count == 2)
        // Only the witness known: fine too.
        #expect(try note.verified(by: [witness.verifier]) == [witness.verifier])
        // A known key whose signature fails rejects the note.
        var broken = note
        broken.signatures[1].bytes[0] ^= 1
        #expect(throws: SigilError(.invalidSignature, "")) { try broken.verified(by: [verifier, witness.verifier]) }
        // No known key at all.
        let stranger = try NoteSigner(name: "stranger.example", seed: Array(repeating: 9, count: 32))
        #expect(throws: SigilError(.invalidSignature, "")) { try note.verified(by: [stranger.verifier]) }
        // Same name, other key ID: unknown, so no trusted signature.
        let impostor = try NoteSigner(name: "example.com/foo", seed: Array(repeating: 3, count: 32))
        #expect(throws: SigilError(.invalidSignature, "")) { try note.verified(by: [impostor.verifier]) }
    }

    @Test(
        "malformed notes are refused",
        arguments: [
            "no blank line\n\u{2014} example.com/foo AAAAAAA=\n",
            "text\n\n",
            "text\n\n- example.com/foo Uw2QOkn8srV1\n",
            "text\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=",
            "text\r\n\n\u{2014} a Uw2QOkn8srV1\n",
            "text\n\n\u{2014} a+b Uw2QOkn8srV1\n",
            "text\n\n\u{2014}  Uw2QOkn8srV1\n",
            "text\n\n\u{2014} name not base64!\n",
        ])
    func malformedNotes(note: String) {
        #expect(throws: SigilError(.invalidNote, "")) { try SignedNote(parsing: note) }
    }

    @Test(
        "malformed verifier keys are refused",
        arguments: [
            "example.com/foo+530d903a",
            "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U",
            "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            "",
        ])
    func malformedVKeys(vkey: String) {
        #expect(throws: SigilError(.invalidKey, "")) { try NoteVerifier(vkey: vkey) }
    }

    @Test func signerRoundTripAndKeyID() throws {
        let signer = try NoteSigner(name: "log.example/aigc", seed: Array(0..<32))
        let signature = try signer.sign("hello\n")
        let note = SignedNote(text: "hello\n", signatures: [signature])
        let parsed = try SignedNote(parsing: note.formatted)
        #expect(parsed == note)
        #expect(try parsed.verified(by: [NoteVerifier(vkey: signer.verifier.vkey)]).count == 1)
        #expect(signature.keyID == NoteVerifier.keyID(name: "log.example/aigc", type: 1, key: signer.verifier.publicKey))
        #expect(throws: SigilError(.invalidNote, "")) { try signer.sign("no newline") }
        #expect(throws: SigilError(.invalidNote, "")) { try signer.sign("blank\n\nline\n") }
        #expect(throws: SigilError(.invalidKey, "")) { try NoteSigner(name: "x", seed: [1, 2, 3]) }
        #expect(throws: SigilError(.invalidNote, "")) { try NoteSigner(name: "has space", seed: Array(0..<32)) }
    }
}

@Suite struct CheckpointTests {
    @Test func textRoundTrip() throws {
        let checkpoint = Checkpoint(origin: "example.com/behind-the-sofa", size: 8, root: Vectors.hash(Vectors.roots[8]))
        #expect(checkpoint.text == "example.com/behind-the-sofa\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
        #expect(try Checkpoint(text: checkpoint.text) == checkpoint)
        let extended = Checkpoint(origin: "o", size: 0, root: Merkle.emptyRoot, extensions: ["ext one"])
        #expect(try Checkpoint(text: extended.text) == extended)
    }

    @Test(
        "malformed checkpoint text is refused",
        arguments: [
            "origin\n8\n",
            "origin\n08\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YEM=\n",
            "origin\n-1\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YEM=\n",
            "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YE=\n",
            "\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YEM=\n",
            "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YEM=",
            "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YEM=\n\n",
            "origin\n18446744073709551616\nXcnaeacGWamtVZy3Ad7Zoqudgjqt0vSWDP43cO/0YEM=\n",
        ])
    func malformed(text: String) {
        #expect(throws: SigilError(.invalidCheckpoint, "")) { try Checkpoint(text: text) }
    }

    @Test func signedCheckpointOpensOnlyWithTheLogKeyAndOrigin() throws {
        let signer = try NoteSigner(name: "log.example/aigc", seed: Array(repeating: 1, count: 32))
        let checkpoint = Checkpoint(origin: "log.example/aigc", size: 3, root: Vectors.hash(Vectors.roots[3]))
        let note = try checkpoint.signed(by: signer).formatted
        #expect(try Checkpoint(note: note, verifiers: [signer.verifier], origin: "log.example/aigc") == checkpoint)
        #expect(throws: SigilError(.invalidCheckpoint, "")) { try Checkpoint(note: note, verifiers: [signer.verifier], origin: "other.example/log") }
        let other = try NoteSigner(name: "other.example/log", seed: Array(repeating: 2, count: 32))
        #expect(throws: SigilError(.invalidSignature, "")) { try Checkpoint(note: note, verifiers: [other.verifier]) }
        #expect(throws: SigilError(.invalidKey, "")) { try checkpoint.signed(by: other) }
    }
}

@Suite struct TlogProofTests {
    @Test func parsesTheSpecShape() throws {
        let text = """
            c2sp.org/tlog-proof@v1
            extra YWdl
            index 73894
            gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
            B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=

            example.com/fancylog
            109482
            sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

            \u{2014} example.com/fancylog hI2DJw==

            """
        let proof = try TlogProof(text: text)
        #expect(proof.index == 73894)
        #expect(proof.extra == Array("age".utf8))
        #expect(proof.hashes.count == 2)
        #expect(proof.checkpointNote.hasPrefix("example.com/fancylog\n109482\n"))
        #expect(proof.text == text)
    }

    @Test(
        "malformed proofs are refused",
        arguments: [
            "c2sp.org/tlog-proof@v2\nindex 0\n\nx\n",
            "c2sp.org/tlog-proof@v1\nindex 01\n\nx\n",
            "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nx\n",
            "c2sp.org/tlog-proof@v1\nindex 0\nnot-a-hash\n\nx\n",
            "c2sp.org/tlog-proof@v1\n\nx\n",
            "c2sp.org/tlog-proof@v1\nindex 0\n",
        ])
    func malformed(text: String) {
        #expect(throws: SigilError(.invalidProof, "")) { try TlogProof(text: text) }
    }
}
