package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

func TestPathsFor(t *testing.T) {
	p, err := PathsFor("/clan", clan.KindMachine, "web-server")
	if err != nil {
		t.Fatal(err)
	}
	if p.State != "terraform-state/machines/web-server/terraform.tfstate" || p.LockFile != "terraform-state/machines/web-server/.terraform.lock.hcl" ||
		p.LocalLockPath() != "/clan/.clan-terranix/locks/web-server.lock" || p.RemoteLockRef() != "refs/clan-terranix/locks/web-server" {
		t.Fatalf("paths = %+v", p)
	}
	if p, _ := PathsFor("/clan", clan.KindShared, "shared"); p.State != "terraform-state/shared/terraform.tfstate" {
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
		if _, err := PathsFor("/clan", clan.KindMachine, name); err == nil || !strings.HasPrefix(err.Error(), want) {
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

// A session refuses, naming it, a link planted among the workspace's files
// after the clan was discovered (tofu would follow it).
func TestBeginRefusesLinks(t *testing.T) {
	isolateGit(t)
	for _, rel := range []string{"terraform-state/machines/web/terraform.tfstate.backup", "terraform-state/machines/web/terraform.tfstate",
		"terraform-state/machines/web/.terraform.tfstate.lock.info", ".clan-terranix/locks/web.lock", ".clan-terranix/runs/web.json"} {
		root, outside := t.TempDir(), t.TempDir()
		target := filepath.Join(outside, "bashrc")
		if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		_, err := Begin(context.Background(), machinePaths(t, root, "web"), "apply", Options{})
		if err == nil || !strings.HasPrefix(err.Error(), rel+" is a symbolic link (to "+target+")") {
			t.Errorf("%s: Begin = %v", rel, err)
		}
		if data, _ := os.ReadFile(target); string(data) != "keep" {
			t.Errorf("%s: target changed: %q", rel, data)
		}
	}
}
