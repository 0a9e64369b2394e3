package world

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrRemoteAddr is returned by Start (and CheckAddr) for a non-loopback
// listen address without Options.AllowRemote.
var ErrRemoteAddr = errors.New("non-loopback listen address")

// CheckAddr refuses a listen address that is not loopback unless allowed:
// the mock world's credentials derive from a public seed and its admin
// endpoint switches faults on, so it is for one machine unless someone
// says otherwise. "" and "0.0.0.0" (every interface) are not loopback;
// "localhost" is; any other host name counts as remote.
func CheckAddr(addr string, allowRemote bool) error {
	if allowRemote || IsLoopbackAddr(addr) {
		return nil
	}
	return fmt.Errorf("world: listen %s: %w (the mock is meant for this machine: use 127.0.0.1:PORT, or allow remote access explicitly)", addr, ErrRemoteAddr)
}

// IsLoopbackAddr reports whether a host:port listens on loopback only.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// reachableURL is the base URL for a listener. Bound to one address, that
// address. Bound to every interface (0.0.0.0, ::), the dial address
// 0.0.0.0 would only work on this machine, so the URL names this
// machine's first non-loopback unicast address (IPv4 first), which both
// the world's own systems and other machines can reach; 127.0.0.1 when
// there is none.
func reachableURL(ln net.Addr) string {
	tcp, ok := ln.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return "http://" + ln.String()
	}
	host := "127.0.0.1"
	if ip := firstExternalIP(); ip != nil {
		host = ip.String()
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

func firstExternalIP() net.IP {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var v6 net.IP
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || !n.IP.IsGlobalUnicast() {
			continue
		}
		if v4 := n.IP.To4(); v4 != nil {
			return v4
		}
		if v6 == nil {
			v6 = n.IP
		}
	}
	return v6
}
