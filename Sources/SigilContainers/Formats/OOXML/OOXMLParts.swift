/// The three OPC parts an OOXML label touches, read and edited as text (TC260 PG-20258A: the custom property
/// `AIGC`, a `vt:lpwstr` holding the Annex E JSON, in `docProps/custom.xml`).
enum OOXMLParts {
    static let contentTypesName = "[Content_Types].xml"
    static let relationshipsName = "_rels/.rels"
    static let defaultCustomName = "docProps/custom.xml"
    static let customContentType = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
    static let customRelationshipType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    static let customNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    static let variantNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    /// The format identifier every user-defined custom property carries.
    static let userDefinedFMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

    /// What the main part's content type says the package is (`Word document (DOCX)`), or nil.
    static func packageType(contentTypes: [XMLTag]) -> String? {
        let names: [(String, String)] = [
            ("wordprocessingml.document.main+xml", "Word document (DOCX)"), ("wordprocessingml.template.main+xml", "Word template (DOTX)"),
            ("ms-word.document.macroEnabled.main+xml", "macro-enabled Word document (DOCM)"),
            ("ms-word.template.macroEnabledTemplate.main+xml", "macro-enabled Word template (DOTM)"),
            ("spreadsheetml.sheet.main+xml", "Excel workbook (XLSX)"), ("spreadsheetml.template.main+xml", "Excel template (XLTX)"),
            ("ms-excel.sheet.macroEnabled.main+xml", "macro-enabled Excel workbook (XLSM)"),
            ("presentationml.presentation.main+xml", "PowerPoint presentation (PPTX)"),
            ("presentationml.slideshow.main+xml", "PowerPoint show (PPSX)"),
            ("presentationml.template.main+xml", "PowerPoint template (POTX)"),
            ("ms-powerpoint.presentation.macroEnabled.main+xml", "macro-enabled PowerPoint presentation (PPTM)"),
        ]
        for tag in contentTypes where tag.localName == "Override" && !tag.isClosing {
            guard let type = tag.attribute("ContentType") else { continue }
            if let match = names.first(where: { type.hasSuffix($0.0) }) { return match.1 }
        }
        return nil
    }

    /// The custom-properties part the package relationships name (without a leading `/`), or nil.
    static func customPartName(relationships: [XMLTag]) -> String? {
        for tag in relationships where tag.localName == "Relationship" && tag.attribute("Type") == customRelationshipType {
            guard let target = tag.attribute("Target"), tag.attribute("TargetMode") != "External" else { continue }
            return target.hasPrefix("/") ? String(target.dropFirst()) : target
        }
        return nil
    }

    /// `[Content_Types].xml` with an Override for the custom part, or nil when it has one already.
    static func addingOverride(_ bytes: [UInt8], tags: [XMLTag], partName: String) throws -> [UInt8]? {
        let name = "/" + partName
        if tags.contains(where: { $0.localName == "Override" && $0.attribute("PartName")?.lowercased() == name.lowercased() }) { return nil }
        return try insertBeforeRootEnd(bytes, tags: tags, part: contentTypesName) { prefix in
            "<\(prefix)Override PartName=\"\(XMLText.escapeAttribute(name))\" ContentType=\"\(customContentType)\"/>"
        }
    }

    /// `_rels/.rels` with a custom-properties relationship to `partName`, or nil when it has one already.
    static func addingRelationship(_ bytes: [UInt8], tags: [XMLTag], partName: String) throws -> [UInt8]? {
        if customPartName(relationships: tags) != nil { return nil }
        let ids = Set(tags.compactMap { $0.attribute("Id") })
        var n = 1
        while ids.contains("rId\(n)") { n += 1 }
        return try insertBeforeRootEnd(bytes, tags: tags, part: relationshipsName) { prefix in
            "<\(prefix)Relationship Id=\"rId\(n)\" Type=\"\(customRelationshipType)\" Target=\"\(XMLText.escapeAttribute(partName))\"/>"
        }
    }

    /// `bytes` with the element `make(rootPrefix)` inserted before the root element's end tag.
    static func insertBeforeRootEnd(_ bytes: [UInt8], tags: [XMLTag], part: String, _ make: (String) -> String) throws -> [UInt8] {
        guard let root = tags.first(where: { !$0.isClosing }), !root.isSelfClosing,
            let end = tags.last(where: { $0.isClosing && $0.name == root.name })
        else {
            throw SigilError.malformed(part, at: 0, "has no root element with an end tag to add to")
        }
        return Array(bytes[..<end.range.lowerBound]) + Array(make(root.prefix).utf8) + Array(bytes[end.range.lowerBound...])
    }

    /// One `property` element of `docProps/custom.xml`.
    struct Property {
        var name: String
        var pid: Int?
        /// The element, start tag to end tag.
        var range: Range<Int>
        /// The text of its value element (entities resolved), nil when it has none.
        var value: String?
        /// The value element's type (`lpwstr`).
        var valueType: String?
    }

    /// The `property` elements of a custom-properties part.
    static func properties(_ bytes: [UInt8], tags: [XMLTag]) -> [Property] {
        var out: [Property] = []
        var i = 0
        while i < tags.count {
            let tag = tags[i]
            guard tag.localName == "property", !tag.isClosing else {
                i += 1
                continue
            }
            var property = Property(
                name: tag.attribute("name") ?? "", pid: tag.attribute("pid").flatMap { Int32($0) }.map(Int.init), range: tag.range, value: nil,
                valueType: nil)
            if tag.isSelfClosing {
                out.append(property)
                i += 1
                continue
            }
            var j = i + 1
            while j < tags.count, !(tags[j].isClosing && tags[j].localName == "property") {
                if property.valueType == nil, !tags[j].isClosing {
                    property.valueType = String(tags[j].localName)
                    if !tags[j].isSelfClosing, j + 1 < tags.count {
                        property.value = XMLText.decode(bytes[tags[j].range.upperBound..<tags[j + 1].range.lowerBound])
                    } else {
                        property.value = ""
                    }
                }
                j += 1
            }
            property.range = tag.range.lowerBound..<(j < tags.count ? tags[j].range.upperBound : tag.range.upperBound)
            out.append(property)
            i = j + 1
        }
        return out
    }

    /// A new custom-properties part holding only the label.
    static func newCustomPart(json: String) -> [UInt8] {
        Array(
            ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<Properties xmlns=\"\(customNamespace)\" xmlns:vt=\"\(variantNamespace)\">"
                + property(json: json, pid: 2, prefix: "", variantPrefix: "vt:", declareVariant: false) + "</Properties>").utf8)
    }

    /// The `AIGC` property element.
    static func property(json: String, pid: Int, prefix: String, variantPrefix: String, declareVariant: Bool) -> String {
        let declaration = declareVariant ? " xmlns:vt=\"\(variantNamespace)\"" : ""
        let vt = declareVariant ? "vt:" : variantPrefix
        return
            "<\(prefix)property fmtid=\"\(userDefinedFMTID)\" pid=\"\(pid)\" name=\"AIGC\"><\(vt)lpwstr\(declaration)>\(XMLText.escapeContent(json))</\(vt)lpwstr></\(prefix)property>"
    }

    /// An existing custom-properties part with one `AIGC` property holding `json`: the first one rewritten in
    /// place (its pid kept), others removed, or a new one added with the next free pid (at least 2).
    static func labeledCustomPart(_ bytes: [UInt8], json: String) throws -> [UInt8] {
        let part = "docProps/custom.xml"
        let tags = try XMLTag.scan(bytes, part: part)
        guard let root = tags.first(where: { !$0.isClosing }), root.localName == "Properties" else {
            throw SigilError.malformed(part, at: 0, "has no Properties root element")
        }
        let variantPrefix = root.attributes.first { $0.name.hasPrefix("xmlns:") && $0.value == variantNamespace }.map {
            String($0.name.dropFirst(6)) + ":"
        }
        let properties = properties(bytes, tags: tags)
        let labels = properties.filter { $0.name == "AIGC" }
        // pid is an xsd:int (values that do not fit were not read): the next one after the largest, or when that would
        // not fit, the smallest free one from 2.
        let pids = Set(properties.compactMap(\.pid))
        let largest = pids.max() ?? 1
        let nextPID = largest < Int(Int32.max) ? max(2, largest + 1) : (2...).first { !pids.contains($0) }!
        let element = { (pid: Int) in
            property(json: json, pid: pid, prefix: root.prefix, variantPrefix: variantPrefix ?? "vt:", declareVariant: variantPrefix == nil)
        }
        if labels.isEmpty {
            return try insertBeforeRootEnd(bytes, tags: tags, part: part) { _ in element(nextPID) }
        }
        var plan = EditPlan(sourceLength: bytes.count)
        for (index, label) in labels.enumerated() {
            plan.replace(label.range, with: index == 0 ? Array(element(label.pid ?? nextPID).utf8) : [])
        }
        return plan.apply(to: bytes)
    }
}
