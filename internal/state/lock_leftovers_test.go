package state

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startIn starts script with sh in dir, with env added; the caller ends it.
func startIn(t *testing.T, dir, script string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// gone reports whether pid has exited (a zombie counts as exited).
func gone(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(data), ')')
	return i > 0 && len(data) > i+2 && data[i+2] == 'Z'
}

// runsAsPlugin reports whether pid has become program with a provider
// plugin's TF_PLUGIN_MAGIC_COOKIE: exec'd for the last time. While a process
// execs, /proc shows its new name with an empty environment, which is no
// plugin's to the lock.
func runsAsPlugin(pid int, program string) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	cmdline, err := os.ReadFile(proc + "/cmdline")
	if err != nil || !bytes.HasPrefix(cmdline, []byte(program+"\x00")) {
		return false
	}
	env, err := os.ReadFile(proc + "/environ")
	return err == nil && bytes.Contains(env, []byte("TF_PLUGIN_MAGIC_COOKIE="))
}

// A tofu left running by a killed clan-terranix (a process working in the
// workspace's work dir) keeps the workspace: the next run waits for it or
// names it; the lock file itself is never inherited by anyone.
func TestLocalLockWaitsForLeftoverTofu(t *testing.T) {
	root := t.TempDir()
	p := machinePaths(t, root, "web")
	work := p.Abs(p.Work)
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// Stands in for tofu: what matters is only that it works in the dir.
	leftover := startIn(t, work, "exec sleep 600")
	_, err := LockLocal(context.Background(), p, "clan-terranix apply web", 0, nil)
	var locked *LockedError
	if !errors.As(err, &locked) || locked.LeftoverPID != leftover.Process.Pid {
		t.Fatalf("err = %v, want the leftover (pid %d) named", err, leftover.Process.Pid)
	}
	if !strings.Contains(err.Error(), "workspace web is locked by a tofu process (pid "+strconv.Itoa(leftover.Process.Pid)+") left running by a run that was killed") {
		t.Fatalf("message: %v", err)
	}
	// status shows it as the holder.
	if h, err := LocalHolder(p); err != nil || h == nil || h.PID != leftover.Process.Pid || !strings.HasPrefix(h.Command, "tofu left running by a killed run") {
		t.Fatalf("LocalHolder = %+v, %v", h, err)
	}
	// With a timeout the run waits for it, and says so.
	var w warnings
	go func() { _ = leftover.Process.Kill() }()
	lk, err := LockLocal(context.Background(), p, "clan-terranix apply web", time.Minute, w.add)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Unlock()
}

// Provider plugins whose tofu was killed hold nothing and are ended by the
// next run; a plugin whose tofu still runs is left to it.
func TestLocalLockEndsOrphanedPlugins(t *testing.T) {
	root := t.TempDir()
	p := machinePaths(t, root, "web")
	work := p.Abs(p.Work)
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// The shell exits at once: its "plugin" is reparented, an orphan.
	out, err := exec.Command("sh", "-c", "cd "+work+" && TF_PLUGIN_MAGIC_COOKIE=x setsid sleep 600 >/dev/null 2>&1 & echo $!").Output()
	if err != nil {
		t.Fatal(err)
	}
	orphan, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	t.Cleanup(func() { _ = syscall.Kill(orphan, syscall.SIGKILL) })
	// Until it has exec'd sleep, the background child is a forked shell,
	// then setsid, then a process in the middle of its exec with an empty
	// environment, all in the work dir: the first and the last are a
	// leftover tofu to the lock (the failures this waits out on a busy
	// machine; reproduced with 3 busy loops on 2 cores, -count=300).
	deadline := time.Now().Add(time.Minute)
	for !runsAsPlugin(orphan, "sleep") {
		if time.Now().After(deadline) {
			t.Fatalf("process %d never became the plugin", orphan)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var w warnings
	lk, err := LockLocal(context.Background(), p, "clan-terranix apply web", 0, w.add)
	if err != nil {
		t.Fatal(err)
	}
	lk.Unlock()
	if !w.contains("workspace web: ended 1 provider process(es) left running by a killed tofu") {
		t.Fatalf("warnings: %v", w.lines)
	}
	deadline = time.Now().Add(time.Minute)
	for !gone(orphan) {
		if time.Now().After(deadline) {
			t.Fatalf("orphaned plugin %d still runs", orphan)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The lock's file descriptor never reaches a child process.
func TestLocalLockIsNotInherited(t *testing.T) {
	root := t.TempDir()
	p := machinePaths(t, root, "web")
	lk, err := LockLocal(context.Background(), p, "clan-terranix apply web", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Unlock()
	out, err := exec.Command("sh", "-c", "ls -l /proc/$$/fd").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), p.LocalLockPath()) {
		t.Fatalf("a child inherited the lock file:\n%s", out)
	}
}
