#!/bin/sh
# Regenerates the golden result PDFs with OpenSSL and make_pdf.py,
# independently of the mock portal and of Go's crypto. Run once (December
# 2026); the outputs are committed and resultpdf's tests read them. Keys are
# throwaway test keys, used for nothing else. The CA, the intermediate and
# the valid signers last a hundred years so the vectors do not expire.
#
#   ca.pem                 the pinned bundle (root only)
#   valid.pdf              signed by "Ủy ban nhân dân Hà Nội" under ca.pem
#   wrong-applicant.pdf    the same signer, naming another applicant
#   tampered.pdf           valid.pdf with a digit of the applicant's ID changed after signing
#   appended.pdf           valid.pdf with an incremental update naming another applicant
#   untrusted.pdf          signed under a look-alike CA (same names), not ca.pem
#   expired.pdf            signed under ca.pem with a certificate that expired in 2021
#   unsigned.pdf           the document without a signature
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# root → intermediate, for a CA named $2, into $1.{root,inter}.{pem,key}
ca() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/$1.root.key"
  openssl req -new -x509 -utf8 -key "$tmp/$1.root.key" -sha256 -days 36500 -subj "/C=VN/O=dvcqa golden/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:1" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$tmp/$1.root.pem"
  openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/$1.inter.key"
  openssl req -new -utf8 -key "$tmp/$1.inter.key" -subj "/C=VN/O=dvcqa golden/CN=$2 - cấp trung gian" -out "$tmp/$1.inter.csr"
  printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$tmp/inter.ext"
  openssl x509 -req -in "$tmp/$1.inter.csr" -CA "$tmp/$1.root.pem" -CAkey "$tmp/$1.root.key" -CAcreateserial \
    -days 36500 -sha256 -extfile "$tmp/inter.ext" -out "$tmp/$1.inter.pem"
  mkdir -p "$tmp/$1.db" && : > "$tmp/$1.db/index.txt" && echo 01 > "$tmp/$1.db/serial"
  cat > "$tmp/$1.cnf" <<CNF
[ca]
default_ca = d
[d]
dir = $tmp/$1.db
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
default_md = sha256
policy = any
unique_subject = no
utf8 = yes
[any]
commonName = supplied
[signer]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
CNF
}

# signer $1 under CA $2, valid from $3 to $4 (YYYYMMDDHHMMSSZ)
signer() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/$1.key"
  openssl req -new -utf8 -key "$tmp/$1.key" -subj "/C=VN/O=Ủy ban nhân dân Hà Nội/CN=Ủy ban nhân dân Hà Nội" -out "$tmp/$1.csr"
  openssl ca -batch -notext -config "$tmp/$2.cnf" -cert "$tmp/$2.inter.pem" -keyfile "$tmp/$2.inter.key" -in "$tmp/$1.csr" \
    -startdate "$3" -enddate "$4" -extensions signer -out "$tmp/$1.pem" 2> "$tmp/$1.log"
  cat "$tmp/$2.inter.pem" "$tmp/$2.root.pem" > "$tmp/$1.chain.pem"
}

ca gov "Golden CA dvcqa"
ca rogue "Golden CA dvcqa"
signer good gov 20250101000000Z 21250101000000Z
signer old gov 20200101000000Z 20210101000000Z
signer fake rogue 20250101000000Z 21250101000000Z
cp "$tmp/gov.root.pem" ca.pem

python3 make_pdf.py valid.pdf "$tmp/good.pem" "$tmp/good.key" "$tmp/good.chain.pem" valid
python3 make_pdf.py wrong-applicant.pdf "$tmp/good.pem" "$tmp/good.key" "$tmp/good.chain.pem" wrong-applicant
python3 make_pdf.py untrusted.pdf "$tmp/fake.pem" "$tmp/fake.key" "$tmp/fake.chain.pem" valid
python3 make_pdf.py expired.pdf "$tmp/old.pem" "$tmp/old.key" "$tmp/old.chain.pem" valid
python3 make_pdf.py unsigned.pdf "$tmp/good.pem" "$tmp/good.key" "$tmp/good.chain.pem" unsigned

# tampered: the last digit of the applicant's ID in the page's text, after signing.
python3 - <<'PY'
b = bytearray(open("valid.pdf", "rb").read())
i = b.index(b"001090000001) Tj") + 11
b[i] = ord("7")
open("tampered.pdf", "wb").write(b)
PY

# appended: an incremental update after the signature that replaces the
# page's text with another applicant's (the signature itself still verifies
# over its ByteRange).
python3 - <<'PY'
import re
b = bytearray(open("valid.pdf", "rb").read())
m = re.search(rb"6 0 obj\n<< /Length (\d+) >>\nstream\n", b)
n = int(m.group(1))
content = bytes(b[m.end():m.end() + n]).replace(b"001090000001", b"001090555556")
prev = int(re.findall(rb"startxref\n(\d+)", b)[-1])
off = len(b)
b += b"6 0 obj\n<< /Length %d >>\nstream\n" % len(content) + content + b"endstream\nendobj\n"
xref = len(b)
b += b"xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 9 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (off, prev, xref)
open("appended.pdf", "wb").write(b)
PY
rm -f "$tmp"/*.srl ./*.srl
