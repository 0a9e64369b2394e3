#!/bin/sh
# Regenerates the golden result-signature vector with OpenSSL, independently
# of Go's crypto and of the portal mock. Run once (December 2026); the
# outputs are committed and the test reads them. Keys are throwaway test
# keys, used for nothing else. Certificates last 100 years so the vector
# does not expire.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
openssl req -new -x509 -key "$tmp/ca.key" -sha256 -days 36500 -subj "/CN=dvcqa golden CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/leaf.key"
openssl req -new -key "$tmp/leaf.key" -subj "/CN=golden result signer" -out "$tmp/leaf.csr"
printf 'keyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n' > "$tmp/ext"
openssl x509 -req -in "$tmp/leaf.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial -days 36500 -sha256 \
  -extfile "$tmp/ext" -out leaf.pem
# A second leaf with the same name, not for digital signatures.
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/enc.key"
openssl req -new -key "$tmp/enc.key" -subj "/CN=golden encipherment" -out "$tmp/enc.csr"
printf 'keyUsage=critical,keyEncipherment\nbasicConstraints=CA:FALSE\n' > "$tmp/ext2"
openssl x509 -req -in "$tmp/enc.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial -days 36500 -sha256 \
  -extfile "$tmp/ext2" -out nosig-leaf.pem
openssl dgst -sha256 -sign "$tmp/enc.key" -out nosig-document.sig document.json
# An unrelated CA, for the chain check.
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/other.key"
openssl req -new -x509 -key "$tmp/other.key" -sha256 -days 36500 -subj "/CN=other CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" -out other-ca.pem
# ECDSA-P256-SHA256, ASN.1 DER signature over the exact bytes of document.json.
openssl dgst -sha256 -sign "$tmp/leaf.key" -out document.sig document.json
openssl x509 -in leaf.pem -pubkey -noout > "$tmp/pub"
openssl dgst -sha256 -verify "$tmp/pub" -signature document.sig document.json
rm -f ca.srl
