import CFreeType
import SigilCore

/// A font file and the face in it to render with.
///
/// `Font` is a plain value (path, face index, family name): it holds no FreeType handle. Every rendering opens its
/// own `FT_Library` and `FT_Face` and closes them afterwards (FreeType memory-maps the file, so this is cheap), which
/// makes a `Font` safe to share between tasks that label many images in parallel.
public struct Font: Sendable, Hashable {
    /// The font file.
    public let path: String
    /// The face inside the file (non-zero only for collections such as `.ttc`).
    public let faceIndex: Int
    /// The face's family name as FreeType reports it.
    public let familyName: String

    /// Opens `path` and checks that FreeType can load it as a scalable font.
    ///
    /// - Parameter faceIndex: the face to use in a collection; `nil` picks a Simplified-Chinese face when the
    ///   collection has one (e.g. "Noto Sans CJK SC"), else the first face.
    /// - Throws: ``SigilError`` `.font` when the file is missing or not a scalable font.
    public init(path: String, faceIndex: Int? = nil) throws {
        self.path = path
        if let faceIndex {
            self.faceIndex = faceIndex
        } else {
            self.faceIndex = try Font.preferredFaceIndex(path: path)
        }
        let index = self.faceIndex
        self.familyName = try Font.withFace(path: path, faceIndex: index) { face in
            guard face.pointee.face_flags & cfreetype_face_flag_scalable() != 0 else {
                throw SigilError(.font, "font \(path) (face \(index)) is not scalable")
            }
            return face.pointee.family_name.map { String(cString: $0) } ?? ""
        }
    }

    /// The characters of `text` the face has no glyph for (whitespace excepted).
    public func missingCharacters(in text: String) throws -> [Character] {
        try withFace { face in
            text.filter { character in
                !character.isWhitespace && character.unicodeScalars.contains { FT_Get_Char_Index(face, FT_ULong($0.value)) == 0 }
            }.map { $0 }
        }
    }

    /// Runs `body` with a freshly opened face that no other thread can see.
    func withFace<Result>(_ body: (FT_Face) throws -> Result) throws -> Result {
        try Font.withFace(path: path, faceIndex: faceIndex, body)
    }

    static func withFace<Result>(path: String, faceIndex: Int, _ body: (FT_Face) throws -> Result) throws -> Result {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else {
            throw SigilError(.font, "FreeType could not be initialised")
        }
        defer { FT_Done_FreeType(library) }
        var face: FT_Face?
        let error = FT_New_Face(library, path, FT_Long(faceIndex), &face)
        guard error == 0, let face else {
            throw SigilError(.font, "FreeType cannot open font \(path) (face \(faceIndex)): error \(error)")
        }
        defer { FT_Done_Face(face) }
        return try body(face)
    }

    private static func preferredFaceIndex(path: String) throws -> Int {
        let count = try withFace(path: path, faceIndex: 0) { Int($0.pointee.num_faces) }
        guard count > 1 else { return 0 }
        for index in 0..<count {
            let family = try withFace(path: path, faceIndex: index) { face in
                face.pointee.family_name.map { String(cString: $0) } ?? ""
            }
            if family.hasSuffix(" SC") || family.contains(" SC ") || family.contains("GB") { return index }
        }
        return 0
    }
}
