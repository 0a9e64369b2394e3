package reports

import (
	"errors"
	"io"
	"os"
	"syscall"

	"github.com/dvcqa/dvcqa/internal/atomicfile"
)

// WriteFileAtomic writes path atomically (package internal/atomicfile).
func WriteFileAtomic(path string, perm os.FileMode, write func(w io.Writer) error) error {
	return atomicfile.Write(path, perm, write)
}

// WriteBytesAtomic is WriteFileAtomic for data already in memory.
func WriteBytesAtomic(path string, data []byte, perm os.FileMode) error {
	return atomicfile.WriteBytes(path, data, perm)
}

// DiskFull reports whether err is (or wraps) "no space left on device", or
// a disk quota exceeded: the run says so instead of a bare write error.
func DiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
