package tofu

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A stand-in engine (a script printing its version and counting its runs):
// what is tested is that its version is asked once per binary, not tofu.
func TestEngineVersionIsAskedOncePerBinary(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("HOME", dir)
	bin := filepath.Join(dir, "bin")
	runs := filepath.Join(dir, "runs")
	engine := func(version string) {
		script := "#!/bin/sh\necho run >> " + runs + "\necho '{\"terraform_version\":\"" + version + "\"}'\n"
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(bin, ".tofu.new")
		if err := os.WriteFile(tmp, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(bin, "tofu")); err != nil { // a new inode, like an upgrade
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	find := func() string {
		t.Helper()
		e, err := Find(context.Background(), "tofu")
		if err != nil {
			t.Fatal(err)
		}
		return e.Version
	}
	count := func() int {
		data, _ := os.ReadFile(runs)
		return strings.Count(string(data), "run")
	}
	engine("1.12.6")
	if v := find(); v != "1.12.6" || count() != 1 {
		t.Fatalf("first Find: version %q after %d runs", v, count())
	}
	if v := find(); v != "1.12.6" || count() != 1 {
		t.Fatalf("second Find: version %q after %d runs, want the cached version and no run", v, count())
	}
	engine("1.13.0")
	if v := find(); v != "1.13.0" || count() != 2 {
		t.Fatalf("after an upgrade: version %q after %d runs", v, count())
	}
	engine("1.5.0")
	if _, err := Find(context.Background(), "tofu"); err == nil || !strings.Contains(err.Error(), "tofu 1.5.0 at "+filepath.Join(bin, "tofu")+" is too old") {
		t.Fatalf("too old engine: %v", err)
	}
	if _, err := Find(context.Background(), "tofu"); err == nil || count() != 3 {
		t.Fatalf("a cached too-old version must still fail: %v after %d runs", err, count())
	}
}
