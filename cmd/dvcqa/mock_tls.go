package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/world"
)

// mockTLS are the https flags of `dvcqa mock serve`: a CA and a server
// certificate made in memory for this run (the server's key is never
// written), the CA written beside the target file for the harness to trust
// (tls.ca_file), and with --tls-client-ca a client CA the server requires
// (mutual TLS) and a client certificate/key pair for the harness.
type mockTLS struct {
	on, clientCA bool
	gen          *world.GeneratedTLS
}

// Files written beside the target profile.
const (
	TLSCASuffix        = ".ca.pem"         // mode 0644: a certificate, public
	TLSClientSuffix    = ".client.pem"     // mode 0600
	TLSClientKeySuffix = ".client-key.pem" // mode 0600: the harness's key
)

func addTLSFlags(fs *flag.FlagSet) *mockTLS {
	m := &mockTLS{}
	fs.BoolVar(&m.on, "tls", false, "serve https with a CA made for this run, written beside --write-target as FILE"+TLSCASuffix+" (the target's tls.ca_file)")
	fs.BoolVar(&m.clientCA, "tls-client-ca", false, "with --tls: require client certificates (mutual TLS) and write one for the harness beside --write-target (mode 0600)")
	return m
}

// config checks the flags and makes the certificates for addr; nil
// without --tls.
func (m *mockTLS) config(addr, writeTarget string) (*tls.Config, error) {
	switch {
	case m.clientCA && !m.on:
		return nil, errors.New("--tls-client-ca needs --tls")
	case !m.on:
		return nil, nil
	case writeTarget == "":
		return nil, errors.New("--tls needs --write-target: the CA the harness must trust is written beside the target file, and is otherwise lost")
	}
	gen, err := world.GenerateTLS(certHosts(addr), m.clientCA)
	if err != nil {
		return nil, err
	}
	m.gen = gen
	return gen.Server, nil
}

// certHosts are the names the server certificate is for: the listen host
// (every interface's address when it is unspecified) and loopback.
func certHosts(addr string) []string {
	hosts := []string{"127.0.0.1", "::1", "localhost"}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return hosts
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					hosts = append(hosts, n.IP.String())
				}
			}
		}
		return hosts
	}
	return append(hosts, host)
}

// write puts the CA (and the client pair) beside the target file and names
// them in the target's tls section, relative to it.
func (m *mockTLS) write(writeTarget string, t *fixtures.Target) error {
	if m.gen == nil {
		return nil
	}
	if err := writeFileMode(writeTarget+TLSCASuffix, m.gen.CAPEM, 0o644); err != nil {
		return err
	}
	t.TLS.CAFile = filepath.Base(writeTarget + TLSCASuffix)
	if m.gen.ClientCertPEM != nil {
		if err := writeFileMode(writeTarget+TLSClientSuffix, m.gen.ClientCertPEM, 0o600); err != nil {
			return err
		}
		if err := writeFileMode(writeTarget+TLSClientKeySuffix, m.gen.ClientKeyPEM, 0o600); err != nil {
			return err
		}
		t.TLS.ClientCertFile = filepath.Base(writeTarget + TLSClientSuffix)
		t.TLS.ClientKeyFile = filepath.Base(writeTarget + TLSClientKeySuffix)
	}
	return nil
}

func (m *mockTLS) print(writeTarget string) {
	if m.gen == nil {
		return
	}
	fmt.Printf("  tls CA (trust it)   %s%s  (tls.ca_file of the target; made for this run, server key kept in memory)\n", writeTarget, TLSCASuffix)
	if m.gen.ClientCertPEM != nil {
		fmt.Printf("  tls client cert     %s%s, key %s%s  (mode 0600; the world requires a client certificate)\n", writeTarget, TLSClientSuffix, writeTarget, TLSClientKeySuffix)
	}
}

// writeFileMode writes data with exactly mode: an existing file is removed
// first, as WriteFile would keep its looser mode.
func writeFileMode(path string, data []byte, mode os.FileMode) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
