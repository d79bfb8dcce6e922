// A thin, throwing wrapper over libxml2's xmlTextWriter writing into memory. Every string is
// made XML-legal (TextCleaning.xmlSafe) before it reaches libxml2: the writer escapes markup
// but copies illegal characters through unchanged, and a NUL would end the C string.
import CLibXML2

final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr

    init() throws {
        guard let buffer = xmlBufferCreate() else { throw ReportError("libxml2: cannot allocate an output buffer") }
        // Grow by doubling: with the exact-size default, a megabyte of service output full of
        // escaped characters (CRLF line ends: each CR becomes &#13;) was reallocated and
        // copied at every piece, minutes per report (found by fuzz-junit).
        xmlBufferSetAllocationScheme(buffer, XML_BUFFER_ALLOC_DOUBLEIT)
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw ReportError("libxml2: cannot create a text writer")
        }
        self.buffer = buffer
        self.writer = writer
        xmlTextWriterSetIndent(writer, 1)
        _ = "  ".withCString { xmlTextWriterSetIndentString(writer, xmlString($0)) }
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    func startDocument() throws {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    func start(_ element: String) throws {
        try check(element.withCString { xmlTextWriterStartElement(writer, xmlString($0)) }, "open <\(element)>")
    }

    func attribute(_ name: String, _ value: String) throws {
        let safe = TextCleaning.xmlSafe(value)
        let rc = name.withCString { n in safe.withCString { v in xmlTextWriterWriteAttribute(writer, xmlString(n), xmlString(v)) } }
        try check(rc, "write attribute \(name)")
    }

    func text(_ content: String) throws {
        let safe = TextCleaning.xmlSafe(content)
        try check(safe.withCString { xmlTextWriterWriteString(writer, xmlString($0)) }, "write text")
    }

    func end() throws {
        try check(xmlTextWriterEndElement(writer), "close an element")
    }

    /// Closes everything still open and returns the document's bytes.
    func finish() throws -> [UInt8] {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try check(xmlTextWriterFlush(writer), "flush")
        let length = Int(xmlBufferLength(buffer))
        guard let content = xmlBufferContent(buffer), length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: length))
    }

    private func check(_ rc: Int32, _ what: String) throws {
        if rc < 0 { throw ReportError("libxml2 could not \(what) (status \(rc))") }
    }
}

/// A C string as libxml2's unsigned `xmlChar *`.
func xmlString(_ pointer: UnsafePointer<CChar>) -> UnsafePointer<xmlChar> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: xmlChar.self)
}
