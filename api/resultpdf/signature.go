package resultpdf

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// SubFilters a PAdES-style signature may name: CMS detached over the
// ByteRange.
var subFilters = []string{"adbe.pkcs7.detached", "ETSI.CAdES.detached"}

// document is a parsed PDF.
type document struct {
	ctx *model.Context
}

// signature is a signature dictionary's parts that the checks need.
type signature struct {
	subFilter string
	byteRange [4]int64
	contents  []byte // the CMS, DER, without the hex string's zero padding
}

func open(pdf []byte) (*document, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return &document{ctx: ctx}, nil
}

// signature finds the document's one signature: the signature field of
// the AcroForm whose value is a signature dictionary.
func (d *document) signature() (*signature, error) {
	cat, err := d.ctx.Catalog()
	if err != nil {
		return nil, fmt.Errorf("%w: catalog: %w", ErrMalformed, err)
	}
	form, err := d.ctx.DereferenceDict(cat["AcroForm"])
	if err != nil {
		return nil, fmt.Errorf("%w: AcroForm: %w", ErrMalformed, err)
	}
	if form == nil {
		return nil, fmt.Errorf("%w (no AcroForm, so no signature field)", ErrUnsigned)
	}
	fields, err := d.ctx.DereferenceArray(form["Fields"])
	if err != nil {
		return nil, fmt.Errorf("%w: AcroForm Fields: %w", ErrMalformed, err)
	}
	var sigs []types.Dict
	if err := d.collectSignatures(fields, &sigs, 0); err != nil {
		return nil, err
	}
	switch len(sigs) {
	case 0:
		return nil, fmt.Errorf("%w (no signed signature field)", ErrUnsigned)
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d signatures, a result carries one", ErrMalformed, len(sigs))
	}
	return parseSignature(sigs[0])
}

// collectSignatures walks the field tree (Kids, a few levels deep) for
// signature fields with a value.
func (d *document) collectSignatures(fields types.Array, out *[]types.Dict, depth int) error {
	if depth > 4 {
		return nil
	}
	for _, f := range fields {
		field, err := d.ctx.DereferenceDict(f)
		if err != nil || field == nil {
			return fmt.Errorf("%w: form field: %v", ErrMalformed, err)
		}
		if kids, err := d.ctx.DereferenceArray(field["Kids"]); err == nil && len(kids) > 0 {
			if err := d.collectSignatures(kids, out, depth+1); err != nil {
				return err
			}
		}
		if ft := field.NameEntry("FT"); ft == nil || *ft != "Sig" {
			continue
		}
		v, err := d.ctx.DereferenceDict(field["V"])
		if err != nil {
			return fmt.Errorf("%w: signature field value: %w", ErrMalformed, err)
		}
		if v != nil {
			*out = append(*out, v)
		}
	}
	return nil
}

func parseSignature(v types.Dict) (*signature, error) {
	var s signature
	if sf := v.NameEntry("SubFilter"); sf != nil {
		s.subFilter = *sf
	}
	if !slices.Contains(subFilters, s.subFilter) {
		return nil, fmt.Errorf("%w: SubFilter %q, want one of %v", ErrMalformed, s.subFilter, subFilters)
	}
	br := v.ArrayEntry("ByteRange")
	if len(br) != 4 {
		return nil, fmt.Errorf("%w: ByteRange %v, want 4 integers", ErrMalformed, br)
	}
	for i, o := range br {
		n, ok := o.(types.Integer)
		if !ok || n < 0 {
			return nil, fmt.Errorf("%w: ByteRange %v, want 4 integers", ErrMalformed, br)
		}
		s.byteRange[i] = int64(n)
	}
	hex := v.HexLiteralEntry("Contents")
	if hex == nil {
		return nil, fmt.Errorf("%w: the signature dictionary has no hex Contents", ErrMalformed)
	}
	der, err := hex.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: signature Contents: %w", ErrMalformed, err)
	}
	// The hex string is a placeholder padded with zeros: keep the DER.
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(der, &raw); err != nil {
		return nil, fmt.Errorf("%w: signature Contents is not DER: %w", ErrMalformed, err)
	}
	s.contents = raw.FullBytes
	return &s, nil
}

// covers checks the ByteRange: from the first byte to the last, leaving
// out only the hex string of Contents. Bytes after it (an incremental
// update appended after signing, which could change what the document
// shows) are not signed.
func (s *signature) covers(pdf []byte) error {
	a, b, c, n := s.byteRange[0], s.byteRange[1], s.byteRange[2], s.byteRange[3]
	size := int64(len(pdf))
	switch {
	case a != 0:
		return fmt.Errorf("%w: ByteRange %v starts at byte %d, not 0", ErrNotCovered, s.byteRange, a)
	case b <= 0 || c < b+2 || c+n > size:
		return fmt.Errorf("%w: ByteRange %v does not fit the file (%d bytes)", ErrNotCovered, s.byteRange, size)
	case c+n < size:
		return fmt.Errorf("%w: ByteRange %v ends at byte %d, %d bytes before the end: an update was appended after signing",
			ErrNotCovered, s.byteRange, c+n, size-(c+n))
	}
	gap := pdf[b:c]
	if gap[0] != '<' || gap[len(gap)-1] != '>' || !isHex(gap[1:len(gap)-1]) {
		return fmt.Errorf("%w: the bytes ByteRange %v leaves out are not only the signature's hex string", ErrNotCovered, s.byteRange)
	}
	return nil
}

// signed is what the signature covers.
func (s *signature) signed(pdf []byte) []byte {
	b, c, n := s.byteRange[1], s.byteRange[2], s.byteRange[3]
	return append(slices.Clip(pdf[:b]), pdf[c:c+n]...)
}

func isHex(b []byte) bool {
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
