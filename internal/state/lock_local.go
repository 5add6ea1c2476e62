package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"syscall"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// Holder says who holds a workspace lock.
type Holder struct {
	Workspace string    `json:"workspace"`
	User      string    `json:"user"`
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	Command   string    `json:"command"`
	Started   time.Time `json:"started"`
}

// CurrentHolder describes this process as the holder of ws's lock.
func CurrentHolder(ws, command string) Holder {
	h := Holder{Workspace: ws, PID: os.Getpid(), Command: command, Started: time.Now().UTC()}
	if u, err := user.Current(); err == nil {
		h.User = u.Username
	}
	if h.User == "" {
		h.User = os.Getenv("USER")
	}
	h.Host, _ = os.Hostname()
	return h
}

// String is the holder as error messages show it:
// alice@host1 (pid 4242, "clan-terranix apply web") since 12:01:03
func (h Holder) String() string {
	return fmt.Sprintf("%s@%s (pid %d, %q) since %s", h.User, h.Host, h.PID, h.Command, h.Started.Local().Format(sinceFormat(h.Started)))
}

func sinceFormat(t time.Time) string {
	if time.Since(t) < 20*time.Hour {
		return "15:04:05"
	}
	return "2006-01-02 15:04:05"
}

// aliveOnThisHost reports whether the holder's process still runs here.
// A holder on another host is assumed alive.
func (h Holder) aliveOnThisHost() bool {
	host, _ := os.Hostname()
	if h.Host != host || h.PID <= 0 {
		return true
	}
	err := syscall.Kill(h.PID, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// LockedError is returned when a lock stays held past the timeout.
type LockedError struct {
	Workspace string
	Holder    *Holder // nil when the holder did not leave its info
	Where     string  // "" for this host, "origin" for a team lock
	// LeftoverPID is a process a killed run left working in the workspace.
	LeftoverPID int
}

func (e *LockedError) Error() string {
	where := ""
	if e.Where != "" {
		where = " on " + e.Where
	}
	if e.LeftoverPID != 0 {
		by := "a run that was killed"
		if e.Holder != nil {
			by = e.Holder.String() + ", which was killed"
		}
		return fmt.Sprintf("workspace %s is locked by a tofu process (pid %d) left running by %s; it releases the lock when it exits (wait with --lock-timeout)", e.Workspace, e.LeftoverPID, by)
	}
	if e.Holder == nil {
		return fmt.Sprintf("workspace %s is locked%s by another process (no holder info)", e.Workspace, where)
	}
	return fmt.Sprintf("workspace %s is locked%s by %s", e.Workspace, where, e.Holder)
}

// LocalLock is a held lock of one workspace on this host: a flock on
// .clan-terranix/locks/<ws>.lock, which the kernel releases if the process
// dies, plus <ws>.holder.json saying who holds it.
type LocalLock struct {
	file   *fileLock
	holder string
}

// LockLocal takes the lock of workspace p, waiting up to timeout (0: fail at
// once). A holder file left by a process that died is taken over, with a
// warning through warn.
func LockLocal(ctx context.Context, p Paths, command string, timeout time.Duration, warn func(string)) (*LocalLock, error) {
	path := p.LocalLockPath()
	if err := p.CheckLinks(); err != nil {
		return nil, err
	}
	if err := EnsureWorkDir(p.Root); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	lk := &LocalLock{file: newFileLock(path), holder: p.holderPath()}
	got, err := lk.file.tryLock()
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %v", path, err)
	}
	if !got && timeout > 0 {
		if h, _ := readHolder(lk.holder); h != nil && warn != nil {
			warn(fmt.Sprintf("waiting up to %s for workspace %s, locked by %s", timeout, p.Workspace, h))
		}
		waitCtx, cancel := context.WithTimeout(ctx, timeout)
		got, err = lk.file.tryLockFor(waitCtx, 100*time.Millisecond)
		cancel()
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if !got {
		h, _ := readHolder(lk.holder)
		return nil, &LockedError{Workspace: p.Workspace, Holder: h}
	}
	// We hold the flock, so whoever wrote a holder file is gone; a tofu it
	// started may still be writing state, and it keeps the workspace.
	old, _ := readHolder(lk.holder)
	if err := awaitLeftovers(ctx, p, old, timeout, warn); err != nil {
		lk.file.unlock()
		return nil, err
	}
	if old != nil && warn != nil {
		warn(fmt.Sprintf("workspace %s: taking over the lock left by %s, which no longer runs", p.Workspace, old))
	}
	if err := writeHolder(lk.holder, CurrentHolder(p.Workspace, command)); err != nil {
		lk.file.unlock()
		return nil, err
	}
	return lk, nil
}

// awaitLeftovers waits, up to timeout, for the tofu processes a killed run
// left working in the workspace's work dir, and ends the provider plugins
// whose tofu was killed. tofu never inherits the flock (it would hand it on
// to its plugins, which outlive a killed tofu), so these processes are what
// keeps a workspace busy after its run died.
func awaitLeftovers(ctx context.Context, p Paths, holder *Holder, timeout time.Duration, warn func(string)) error {
	dir := p.Abs(p.Work)
	deadline := time.Now().Add(timeout)
	warned := false
	for {
		l := tofu.FindLeftovers(dir)
		if n := l.EndOrphans(); n > 0 && warn != nil {
			warn(fmt.Sprintf("workspace %s: ended %d provider process(es) left running by a killed tofu", p.Workspace, n))
		}
		if len(l.Tofus) == 0 {
			return nil
		}
		if !time.Now().Before(deadline) {
			return &LockedError{Workspace: p.Workspace, Holder: holder, LeftoverPID: l.Tofus[0]}
		}
		if !warned && warn != nil {
			warn(fmt.Sprintf("waiting up to %s for workspace %s: a tofu process (pid %d) left running by a killed run is still writing its state", timeout, p.Workspace, l.Tofus[0]))
			warned = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Unlock releases the lock. The lock file itself stays: deleting it would let
// a waiter lock a file another process is about to recreate.
func (lk *LocalLock) Unlock() error {
	if lk == nil || !lk.file.locked() {
		return nil
	}
	os.Remove(lk.holder)
	return lk.file.unlock()
}

// UnlockLocal is `unlock <ws>`: it clears a lock left behind. Without force it
// refuses while a live process holds the lock, naming it; with force it
// removes the lock files even then (the holder keeps running unprotected).
func UnlockLocal(p Paths, force bool, warn func(string)) error {
	path := p.LocalLockPath()
	if err := p.CheckLinks(); err != nil {
		return err
	}
	h, _ := readHolder(p.holderPath())
	f := newFileLock(path)
	got, err := f.tryLock()
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("workspace %s is not locked", p.Workspace)
	}
	if err != nil {
		return fmt.Errorf("cannot lock %s: %v", path, err)
	}
	if got {
		defer f.unlock()
		if h == nil {
			return fmt.Errorf("workspace %s is not locked", p.Workspace)
		}
		os.Remove(p.holderPath())
		if warn != nil {
			warn(fmt.Sprintf("workspace %s: removed the lock left by %s", p.Workspace, h))
		}
		return nil
	}
	if !force {
		return fmt.Errorf("%v: it is still running; stop it, or use --force", &LockedError{Workspace: p.Workspace, Holder: h})
	}
	os.Remove(p.holderPath())
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if warn != nil {
		warn(fmt.Sprintf("workspace %s: forcibly removed the lock of %v", p.Workspace, holderOrUnknown(h)))
	}
	return nil
}

// LocalHolder returns who holds ws's local lock now (nil: nobody).
func LocalHolder(p Paths) (*Holder, error) {
	if _, err := os.Stat(p.LocalLockPath()); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	f := newFileLock(p.LocalLockPath())
	got, err := f.tryLock()
	if err == nil && got {
		f.unlock()
		// Free, unless a killed run's tofu still works in the workspace.
		if l := tofu.FindLeftovers(p.Abs(p.Work)); len(l.Tofus) > 0 {
			h, _ := readHolder(p.holderPath())
			if h == nil {
				h = &Holder{Workspace: p.Workspace, User: "unknown", Host: "unknown"}
			}
			h.PID, h.Command = l.Tofus[0], "tofu left running by a killed run: "+h.Command
			return h, nil
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h, err := readHolder(p.holderPath())
	if h == nil && err == nil {
		h = &Holder{Workspace: p.Workspace, User: "unknown", Host: "unknown"}
	}
	return h, err
}

func holderOrUnknown(h *Holder) string {
	if h == nil {
		return "an unknown holder"
	}
	return h.String()
}

func readHolder(path string) (*Holder, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h Holder
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("lock holder file %s is not valid JSON: %v", path, err)
	}
	return &h, nil
}

// writeHolder records who holds the lock, for whoever finds it held. Not
// synced: the lock itself is the flock, which a crash of the machine
// releases anyway.
func writeHolder(path string, h Holder) error {
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteCache(path, append(data, '\n'), 0o644)
}
