package state

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLocalLockHeldTimesOutNamingTheHolder(t *testing.T) {
	root := t.TempDir()
	p := machinePaths(t, root, "web")
	ctx := context.Background()
	first, err := LockLocal(ctx, p, "clan-terranix apply web", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var w warnings
	_, err = LockLocal(ctx, p, "clan-terranix plan web", 300*time.Millisecond, w.add)
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("err = %v, want LockedError", err)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Fatal("did not wait for the timeout")
	}
	host, _ := os.Hostname()
	want := "workspace web is locked by "
	if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, "@"+host+" (pid ") ||
		!strings.Contains(msg, `"clan-terranix apply web") since `) {
		t.Fatalf("message = %q", msg)
	}
	if !w.contains("waiting up to 300ms for workspace web") {
		t.Fatalf("no waiting notice: %v", w.lines)
	}
	// Released while waiting: the waiter gets it.
	go func() { time.Sleep(100 * time.Millisecond); first.Unlock() }()
	second, err := LockLocal(ctx, p, "clan-terranix plan web", 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	second.Unlock()
}

func TestLocalLockStaleHolderIsTakenOver(t *testing.T) {
	root := t.TempDir()
	p := machinePaths(t, root, "web")
	os.MkdirAll(root+"/.clan-terranix/locks", 0o755)
	dead := Holder{Workspace: "web", User: "alice", Host: "host1", PID: 999999, Command: "clan-terranix apply web", Started: time.Now()}
	if err := writeHolder(p.holderPath(), dead); err != nil {
		t.Fatal(err)
	}
	var w warnings
	lk, err := LockLocal(context.Background(), p, "clan-terranix apply web", 0, w.add)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Unlock()
	if !w.contains("taking over the lock left by alice@host1 (pid 999999") {
		t.Fatalf("warnings = %v", w.lines)
	}
}

func TestUnlockLocal(t *testing.T) {
	root := t.TempDir()
	p := machinePaths(t, root, "web")
	if err := UnlockLocal(p, false, nil); err == nil || !strings.Contains(err.Error(), "workspace web is not locked") {
		t.Fatalf("unlock of nothing: %v", err)
	}
	lk, err := LockLocal(context.Background(), p, "clan-terranix apply web", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := LocalHolder(p); h == nil || h.Command != "clan-terranix apply web" {
		t.Fatalf("LocalHolder = %+v", h)
	}
	err = UnlockLocal(p, false, nil)
	if err == nil || !strings.Contains(err.Error(), "it is still running; stop it, or use --force") {
		t.Fatalf("unlock of a live lock: %v", err)
	}
	var w warnings
	if err := UnlockLocal(p, true, w.add); err != nil || !w.contains("forcibly removed the lock") {
		t.Fatalf("force: %v %v", err, w.lines)
	}
	lk.Unlock()
	if h, _ := LocalHolder(p); h != nil {
		t.Fatalf("still held by %v", h)
	}
}
