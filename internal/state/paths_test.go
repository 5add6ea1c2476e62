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
		"../etc":   `machine name "../etc": use letters, digits and - (not first or last), as Clan does for hostnames`,
		"a b":      `machine name "a b": use letters`,
		"x.lock":   `machine name "x.lock": use letters`,
		"":         `machine name "": use letters`,
		"-rf":      `machine name "-rf": use letters`,
		"shared/x": `machine name "shared/x": use letters`,
		"a@{1}":    `machine name "a@{1}": use letters`,
		"shared":   `machine name "shared" is reserved for the workspace of inventory/infrastructure/shared/`,
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
