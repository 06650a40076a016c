/// An extra XMP property Sigil writes next to `TC260:AIGC` (for example its own record of the job).
public struct XMPProperty: Sendable, Hashable {
    /// The namespace URI the property belongs to.
    public var namespaceURI: String
    /// The prefix to bind to ``namespaceURI`` when the packet has no binding for it yet.
    public var prefix: String
    /// The property's local name.
    public var name: String
    /// The value, unescaped; the writer escapes it for XML.
    public var value: String

    public init(namespaceURI: String, prefix: String, name: String, value: String) {
        self.namespaceURI = namespaceURI
        self.prefix = prefix
        self.name = name
        self.value = value
    }
}
