extension SigilError.Code {
    /// CBOR bytes do not decode (RFC 8949), or a value has the wrong shape.
    public static let cbor = SigilError.Code("cbor")
    /// A JUMBF box (ISO 19566-5) lies about its length or type.
    public static let jumbf = SigilError.Code("jumbf")
    /// A COSE_Sign1 structure (RFC 9052) is malformed or uses an algorithm Sigil does not verify.
    public static let cose = SigilError.Code("cose")
    /// A key or certificate is missing, malformed or does not meet the profile it must meet.
    public static let keys = SigilError.Code("keys")
    /// A private key is passphrase-encrypted and no (or the wrong) passphrase was given.
    public static let passphrase = SigilError.Code("passphrase")
    /// A cryptographic operation in libcrypto failed.
    public static let crypto = SigilError.Code("crypto")
}
