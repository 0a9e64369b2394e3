package main

import "syscall"

// childAttr: a process group of its own, and SIGKILL when dvcqa dies.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
