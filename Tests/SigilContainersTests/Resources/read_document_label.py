"""Reads the AIGC label of a document with the library its users open it with, independently of Sigil.

    python read_document_label.py FILE

Prints one line of JSON: {"reader": ..., "aigc": <the label string or null>, "other": <what else the reader saw>}.
Exit 1 when the library cannot open the file. DOCX: python-docx (a DOTX through its OPC package); XLSX: openpyxl; PPTX/PPTM: python-pptx;
PDF: pikepdf. python-docx and python-pptx have no API for custom properties, so their package's
/docProps/custom.xml part is read through the library's own part model (what a user of those libraries does).
"""
import json, sys

CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
NS = {"cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
      "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"}


def custom_property(blob):
    from lxml import etree
    root = etree.fromstring(blob)
    for prop in root.findall("cp:property", NS):
        if prop.get("name") == "AIGC":
            value = prop.find("vt:lpwstr", NS)
            return value.text if value is not None else None
    return None


def main(path):
    lower = path.lower()
    if lower.endswith(".dotx"):
        # python-docx's Document() opens documents only; a template opens as an OPC package in the same library.
        from docx.opc.package import OpcPackage
        package = OpcPackage.open(path)
        parts = [rel.target_part for rel in package.rels.values() if rel.reltype == CUSTOM]
        return {"reader": "python-docx (OpcPackage)", "aigc": custom_property(parts[0].blob) if parts else None,
                "other": {"parts": sorted(str(p.partname) for p in package.iter_parts() if str(p.partname) != "/docProps/custom.xml")}}
    if lower.endswith((".docx", ".docm")):
        import docx
        document = docx.Document(path)
        package = document.part.package
        parts = [rel.target_part for rel in package.rels.values() if rel.reltype == CUSTOM]
        return {"reader": "python-docx", "aigc": custom_property(parts[0].blob) if parts else None,
                "other": {"paragraphs": len(document.paragraphs), "title": document.core_properties.title}}
    if lower.endswith((".xlsx", ".xlsm")):
        import openpyxl
        workbook = openpyxl.load_workbook(path)
        props = {p.name: p.value for p in workbook.custom_doc_props.props}
        return {"reader": "openpyxl", "aigc": props.get("AIGC"), "other": {"sheets": workbook.sheetnames, "custom": sorted(props)}}
    if lower.endswith((".pptx", ".pptm")):
        import pptx
        presentation = pptx.Presentation(path)
        package = presentation.part.package
        parts = [rel.target_part for rel in package._rels.values() if rel.reltype == CUSTOM]
        return {"reader": "python-pptx", "aigc": custom_property(parts[0].blob) if parts else None,
                "other": {"slides": len(presentation.slides)}}
    if lower.endswith(".pdf"):
        import pikepdf
        with pikepdf.open(path) as pdf:
            value = pdf.docinfo.get("/AIGC")
            return {"reader": "pikepdf", "aigc": str(value) if value is not None else None,
                    "other": {"pages": len(pdf.pages), "keys": sorted(str(k) for k in pdf.docinfo.keys())}}
    raise SystemExit(f"no reader for {path}")


try:
    print(json.dumps(main(sys.argv[1]), ensure_ascii=False))
except SystemExit:
    raise
except Exception as error:  # the library could not open the file
    print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
    sys.exit(1)
