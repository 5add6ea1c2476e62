package state

import (
	"context"
	"strings"
	"testing"
)

func TestPathsFor(t *testing.T) {
	p, err := PathsFor("/clan", KindMachine, "web-server")
	if err != nil {
		t.Fatal(err)
	}
	if p.State != "terraform-state/machines/web-server/terraform.tfstate" || p.LockFile != "terraform-state/machines/web-server/.terraform.lock.hcl" ||
		p.LocalLockPath() != "/clan/.clan-terranix/locks/web-server.lock" || p.RemoteLockRef() != "refs/clan-terranix/locks/web-server" {
		t.Fatalf("paths = %+v", p)
	}
	if p, _ := PathsFor("/clan", KindShared, "shared"); p.State != "terraform-state/shared/terraform.tfstate" {
		t.Fatalf("shared = %+v", p)
	}
	bad := map[string]string{
		"../etc":   `workspace name "../etc" cannot be used as a folder and git ref name`,
		"a b":      `workspace name "a b" cannot be used as a folder and git ref name`,
		"x.lock":   `workspace name "x.lock" cannot be used`,
		"":         `workspace name "" cannot be used`,
		"-rf":      `workspace name "-rf" cannot be used`,
		"shared/x": `workspace name "shared/x" cannot be used`,
	}
	for name, want := range bad {
		if _, err := PathsFor("/clan", KindMachine, name); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("PathsFor(%q) = %v, want %q", name, err, want)
		}
	}
	if _, err := PathsFor("/clan", "cloud", "x"); err == nil || err.Error() != `workspace "x": unknown kind "cloud" (want shared or machine)` {
		t.Errorf("bad kind: %v", err)
	}
}

func TestGitLockNeedsARepository(t *testing.T) {
	isolateGit(t)
	root := t.TempDir()
	_, err := Begin(context.Background(), machinePaths(t, root, "web"), "apply", Options{Lock: LockModeGit})
	if err == nil || err.Error() != `lock = "git" needs the clan `+root+` to be a git repository` {
		t.Fatalf("err = %v", err)
	}
	// Without git, state is still locked, checked and kept; nothing is committed.
	s, err := Begin(context.Background(), machinePaths(t, root, "web"), "apply", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Finish(context.Background(), Summary{}); err != nil {
		t.Fatal(err)
	}
	s.Close(context.Background())
}
