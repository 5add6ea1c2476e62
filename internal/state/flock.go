package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// fileLock is an exclusive flock(2) on a file, opened close-on-exec: no
// child inherits it, so the lock ends with the process that took it.
type fileLock struct {
	path string
	f    *os.File
}

func newFileLock(path string) *fileLock { return &fileLock{path: path} }

// tryLock takes the lock if it is free; it reports whether it did.
func (l *fileLock) tryLock() (bool, error) {
	if l.f != nil {
		return true, nil
	}
	// O_NOFOLLOW: a link planted after the checks is not followed either.
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil
		}
		return false, fmt.Errorf("flock %s: %v", l.path, err)
	}
	l.f = f
	return true, nil
}

// tryLockFor retries tryLock until ctx ends.
func (l *fileLock) tryLockFor(ctx context.Context, every time.Duration) (bool, error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		got, err := l.tryLock()
		if got || err != nil {
			return got, err
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-t.C:
		}
	}
}

func (l *fileLock) locked() bool { return l.f != nil }

// unlock closes our descriptor, which releases the lock.
func (l *fileLock) unlock() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
