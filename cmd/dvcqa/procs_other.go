//go:build !linux

package main

import "syscall"

// childAttr: a process group of its own (no parent-death signal here; the
// watchdog still ends the group).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
