package check

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/cachedir"
	"github.com/clan-terranix/clan-terranix/internal/clan"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// A new clan's first check finds in the user's cache the schemas of the
// lock file its run's own inits resolved, and starts no tofu; a lock file
// of other packages (a newer release since) is fetched for; a user cache
// that never resolved these providers is not waited on. Real tofu and its
// offline provider mirror; an engine that cannot run proves no fetch.
func TestSchemasOfANewClanComeFromTheUserCache(t *testing.T) {
	ctx := context.Background()
	tc, engine := realTofu(t)
	cfg := config(t, `{"resource":{"random_id":{"a":{"byte_length":4}}}}`)
	user := t.TempDir()

	first := &Schemas{Root: t.TempDir(), UserDir: user, Engine: engine}
	if ps, err := first.For(ctx, cfg, "no.lock"); err != nil || ps.Schemas["registry.opentofu.org/hashicorp/random"] == nil {
		t.Fatalf("first clan: %v, %v", ps, err)
	}

	// The lock file a workspace of these providers inits with, as the run's
	// own init writes it.
	ws := t.TempDir()
	if err := os.WriteFile(filepath.Join(ws, "main.tf.json"), []byte(`{"resource":{"random_id":{"a":{"byte_length":4}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	init := exec.Command(engine.Path, "init", "-backend=false", "-input=false", "-no-color")
	init.Dir, init.Env = ws, tc.Env()
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("tofu init: %v\n%s", err, out)
	}
	lock, err := os.ReadFile(filepath.Join(ws, clan.LockFileName))
	if err != nil {
		t.Fatal(err)
	}

	broken := &tofu.Engine{Name: engine.Name, Version: engine.Version, Path: "/bin/false"}
	asked := 0
	second := &Schemas{Root: t.TempDir(), UserDir: user, Engine: broken,
		ResolvedLock: func(context.Context, map[string]any) []byte { asked++; return lock }}
	ps, err := second.For(ctx, cfg, "no.lock")
	if err != nil || ps.Schemas["registry.opentofu.org/hashicorp/random"] == nil {
		t.Fatalf("second clan: %v, %v", ps, err)
	}
	if asked != 1 {
		t.Errorf("ResolvedLock asked %d times, want 1", asked)
	}
	if entries, _ := os.ReadDir(filepath.Join(second.Root, filepath.FromSlash(clan.SchemasDir))); len(entries) != 0 {
		t.Errorf("the second clan fetched: %v", entries)
	}

	newer := bytes.Replace(lock, []byte("h1:"), []byte("h1:X"), 1)
	third := &Schemas{Root: t.TempDir(), UserDir: user, Engine: broken,
		ResolvedLock: func(context.Context, map[string]any) []byte { return newer }}
	if _, err := third.For(ctx, cfg, "no.lock"); err == nil {
		t.Error("a lock file of other packages was answered from the cache")
	}

	// A user cache entry that is not JSON is fetched for, not believed.
	entry := filepath.Join(user, second.key(tofu.ProviderRequirements(cfg), lock)+".json")
	if err := os.WriteFile(entry, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	garbled := &Schemas{Root: t.TempDir(), UserDir: user, Engine: broken,
		ResolvedLock: func(context.Context, map[string]any) []byte { return lock }}
	if _, err := garbled.For(ctx, cfg, "no.lock"); err == nil {
		t.Error("a garbled user cache entry answered")
	}

	cold := &Schemas{Root: t.TempDir(), UserDir: t.TempDir(), Engine: broken,
		ResolvedLock: func(context.Context, map[string]any) []byte {
			t.Error("a cold cache waited for the run's lock file")
			return nil
		}}
	if _, err := cold.For(ctx, cfg, "no.lock"); err == nil {
		t.Error("a cold cache answered")
	}
}

// A user cache that cannot be written costs the next clan a fetch, never
// this run.
func TestSchemasWithoutAWritableUserCache(t *testing.T) {
	ctx := context.Background()
	_, engine := realTofu(t)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Schemas{Root: t.TempDir(), UserDir: notADir, Engine: engine}
	if _, err := s.For(ctx, config(t, `{"resource":{"random_id":{"a":{"byte_length":4}}}}`), "no.lock"); err != nil {
		t.Fatal(err)
	}
}

// Kept schemas unused for a month go when a fetch adds one, from the clan's
// cache and the user's; a lookup keeps what it read. Real tofu fetches.
func TestKeptSchemasUnusedForAMonthAreTrimmed(t *testing.T) {
	ctx := context.Background()
	_, engine := realTofu(t)
	cfg := config(t, `{"resource":{"random_id":{"a":{"byte_length":4}}}}`)
	user, root := t.TempDir(), t.TempDir()
	clanSchemas := filepath.Join(root, filepath.FromSlash(clan.SchemasDir))
	monthAgo := time.Now().Add(-31 * 24 * time.Hour)
	age := func(path string) {
		t.Helper()
		if err := os.Chtimes(path, monthAgo, monthAgo); err != nil {
			t.Fatal(err)
		}
	}
	plant := func(path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		age(path)
	}
	for _, p := range []string{filepath.Join(user, "stale.json"), filepath.Join(user, "stale.lock"), filepath.Join(clanSchemas, "stale.json")} {
		plant(p)
	}

	first := &Schemas{Root: root, UserDir: user, Engine: engine}
	if _, err := first.For(ctx, cfg, "no.lock"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(user, "stale.json"), filepath.Join(user, "stale.lock"), filepath.Join(clanSchemas, "stale.json")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s, unused for a month, was kept", p)
		}
	}

	// What the next clan's lookup reads is in use again, however old.
	required := tofu.ProviderRequirements(cfg)
	marker := filepath.Join(user, first.key(required, nil)+".lock")
	lock, err := os.ReadFile(marker)
	if err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(user, first.key(required, lock)+".json")
	age(marker)
	age(entry)
	broken := &tofu.Engine{Name: engine.Name, Version: engine.Version, Path: "/bin/false"}
	second := &Schemas{Root: t.TempDir(), UserDir: user, Engine: broken,
		ResolvedLock: func(context.Context, map[string]any) []byte { return lock }}
	if _, err := second.For(ctx, cfg, "no.lock"); err != nil {
		t.Fatalf("second clan: %v", err)
	}
	if err := os.Remove(filepath.Join(user, cachedir.TrimFile)); err != nil {
		t.Fatal(err)
	}
	if err := cacheDir(user).Trim(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{marker, entry} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was read by a lookup, then trimmed: %v", p, err)
		}
	}
}

// realTofu is the bootstrapped tofu with its offline provider mirror.
func realTofu(t *testing.T) (testenv.Toolchain, *tofu.Engine) {
	t.Helper()
	tc := testenv.Tools(t)
	tc.Setenv(t)
	engine, err := tofu.Find(context.Background(), "tofu")
	if err != nil {
		t.Fatal(err)
	}
	return tc, engine
}
