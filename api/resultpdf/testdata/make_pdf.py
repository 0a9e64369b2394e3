#!/usr/bin/env python3
"""Writes one golden result PDF, signed with `openssl cms`, independently of
the mock portal and of Go: the PDF is laid out here by hand, the CMS is
OpenSSL's. Usage: make_pdf.py OUT SIGNER_CERT SIGNER_KEY CHAIN_PEM VARIANT
(VARIANT: valid, wrong-applicant, unsigned).

The font is the standard Helvetica with a ToUnicode map: Vietnamese letters
get one-byte codes from 0x80 up, which the map turns back into Unicode
(viewers draw other glyphs for them; the text a verifier reads is right).
"""
import subprocess
import sys
import tempfile

out, cert, key, chain, variant = sys.argv[1:6]

applicant = ("Nguyễn Văn An", "001090000001")
if variant == "wrong-applicant":
    applicant = ("Phạm Văn Tùng", "001090555556")

lines = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Ủy ban nhân dân Hà Nội",
    "Giấy khai sinh",
    "Số: KQ-000.00.00.H01-260302-0001",
    "Loại văn bản: Giấy khai sinh (giay_khai_sinh)",
    "Mã hồ sơ: 000.00.00.H01-260302-0001",
    "Thủ tục: DV09 - Đăng ký khai sinh",
    "Họ và tên: " + applicant[0],
    "Số định danh: " + applicant[1],
    "Ngày cấp: 04/03/2026 02:00:00 +07:00",
    "Cơ quan cấp: Ủy ban nhân dân Hà Nội",
]

codes = {}  # non-ASCII character -> one-byte code


def encode(s):
    b = bytearray()
    for ch in s:
        if 0x20 <= ord(ch) < 0x7F:
            b.append(ord(ch))
        else:
            if ch not in codes:
                codes[ch] = 0x80 + len(codes)
            b.append(codes[ch])
    return bytes(b)


def pdf_string(b):
    out = bytearray(b"(")
    for c in b:
        if c in b"()\\":
            out += b"\\" + bytes([c])
        elif c >= 0x80:
            out += b"\\%03o" % c
        else:
            out.append(c)
    return bytes(out + b")")


content = bytearray(b"BT\n/F1 11 Tf\n50 790 Td\n")
for i, l in enumerate(lines):
    if i:
        content += b"0 -18 Td\n"
    content += pdf_string(encode(l)) + b" Tj\n"
content += b"ET\n"

cmap = bytearray(b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                 b"/CMapName /dvcqa-golden def\n/CMapType 2 def\n"
                 b"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
                 b"1 beginbfrange\n<20> <7E> <0020>\nendbfrange\n")
cmap += b"%d beginbfchar\n" % len(codes)
for ch, c in codes.items():
    cmap += b"<%02X> <%s>\n" % (c, ch.encode("utf-16-be").hex().upper().encode())
cmap += b"endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"

signed = variant != "unsigned"
HEX = 16384  # placeholder hex digits for the CMS
objs = {
    1: b"<< /Type /Catalog /Pages 2 0 R" + (b" /AcroForm << /Fields [5 0 R] /SigFlags 3 >>" if signed else b"") + b" >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R"
       + (b" /Annots [5 0 R]" if signed else b"") + b" >>",
    4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>",
    6: b"<< /Length %d >>\nstream\n" % len(content) + bytes(content) + b"endstream",
    7: b"<< /Length %d >>\nstream\n" % len(cmap) + bytes(cmap) + b"endstream",
}
if signed:
    objs[5] = b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 8 0 R /Rect [0 0 0 0] /F 132 /P 3 0 R >>"
    objs[8] = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 BR1_______ BR2_______ BR3_______]"
               b" /Contents <" + b"0" * HEX + b"> /M (D:20260304020000+07'00') /Name (golden) >>")

body = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offsets = {}
for n in sorted(objs):
    offsets[n] = len(body)
    body += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
size = max(objs) + 1
xref = len(body)
body += b"xref\n0 %d\n0000000000 65535 f \n" % size
for n in range(1, size):
    body += (b"%010d 00000 n \n" % offsets[n]) if n in offsets else b"0000000000 65535 f \n"
body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)

if signed:
    start = body.index(b"/Contents <") + len(b"/Contents ")
    end = start + HEX + 2
    br = [0, start, end, len(body) - end]
    for i, v in enumerate(br[1:], 1):
        ph = b"BR%d_______" % i
        body[body.index(ph):body.index(ph) + len(ph)] = b"%-10d" % v
    with tempfile.TemporaryDirectory() as tmp:
        tbs, der = tmp + "/tbs", tmp + "/sig.der"
        with open(tbs, "wb") as f:
            f.write(body[:start] + body[end:])
        subprocess.run(["openssl", "cms", "-sign", "-binary", "-in", tbs, "-signer", cert, "-inkey", key, "-certfile", chain,
                        "-outform", "DER", "-out", der, "-md", "sha256", "-cades", "-nosmimecap"], check=True)
        sig = open(der, "rb").read().hex().upper().encode()
    assert len(sig) <= HEX, "signature larger than its placeholder"
    body[start + 1:start + 1 + len(sig)] = sig

with open(out, "wb") as f:
    f.write(body)
