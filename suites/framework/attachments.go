package framework

import "strings"

// SampleFile returns the smallest file a portal's content sniffing accepts
// as the given MIME type; the harness uploads these as attachments.
func SampleFile(mime string) (filename string, data []byte) {
	switch strings.ToLower(mime) {
	case "image/png":
		return "tep-dinh-kem.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x00IEND\xaeB`\x82")
	case "image/jpeg":
		return "tep-dinh-kem.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
	default:
		return "tep-dinh-kem.pdf", []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	}
}
