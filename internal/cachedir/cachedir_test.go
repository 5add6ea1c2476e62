package cachedir

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func write(t *testing.T, path string, age time.Duration, now time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestTrimRemovesOnlyFilesUnusedForMaxAge(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	d := Dir{Path: dir, MaxAge: 30 * 24 * time.Hour, Now: func() time.Time { return now }}
	write(t, filepath.Join(dir, "old.json"), 31*24*time.Hour, now)
	write(t, filepath.Join(dir, "recent.json"), 29*24*time.Hour, now)
	// A fetch under way keeps its scratch dir, one a crash left goes; a
	// link is not ours to judge, nor what a folder's links point to.
	if err := os.Mkdir(filepath.Join(dir, "init-abc"), 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "init-old")
	if err := os.Mkdir(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(t.TempDir(), "kept")
	write(t, kept, 40*24*time.Hour, now)
	if err := os.Symlink(kept, filepath.Join(stale, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stale, now.Add(-31*24*time.Hour), now.Add(-31*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "target")
	write(t, outside, 40*24*time.Hour, now)
	if err := os.Symlink(outside, filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"old.json", "init-old"} {
		if exists(filepath.Join(dir, gone)) {
			t.Errorf("%s unused for 31 days was kept", gone)
		}
	}
	for _, kept := range []string{"recent.json", "init-abc", "link.json", TrimFile} {
		if !exists(filepath.Join(dir, kept)) {
			t.Errorf("%s was removed", kept)
		}
	}
	if !exists(outside) || !exists(kept) {
		t.Error("a link's target outside the cache was removed")
	}
}

func TestTrimAtMostOnceADay(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	d := Dir{Path: dir, MaxAge: 24 * time.Hour, Now: func() time.Time { return now }}
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "a.json"), 48*time.Hour, now)
	now = now.Add(23 * time.Hour)
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(dir, "a.json")) {
		t.Fatal("trimmed again within a day")
	}
	now = now.Add(2 * time.Hour)
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "a.json")) {
		t.Fatal("not trimmed a day after the last trim")
	}
}

func TestTrimAfterAStampFromTheFuture(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	if err := os.WriteFile(filepath.Join(dir, TrimFile), []byte("9999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "a.json"), 48*time.Hour, now)
	d := Dir{Path: dir, MaxAge: 24 * time.Hour, Now: func() time.Time { return now }}
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "a.json")) {
		t.Fatal("a stamp from a wrong clock stopped trimming for good")
	}
}

func TestUsedRefreshesAtMostHourly(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	d := Dir{Path: dir, MaxAge: 24 * time.Hour, Now: func() time.Time { return now }}
	path := filepath.Join(dir, "a.json")
	write(t, path, 30*time.Minute, now)
	d.Used("a.json")
	if info, _ := os.Stat(path); !info.ModTime().Equal(now.Add(-30 * time.Minute)) {
		t.Errorf("a use within the hour wrote the time: %v", info.ModTime())
	}
	write(t, path, 2*time.Hour, now)
	d.Used("a.json")
	if info, _ := os.Stat(path); !info.ModTime().Equal(now) {
		t.Errorf("a use after two hours left the time at %v", info.ModTime())
	}
	d.Used("missing.json") // nothing to refresh, no error
}

func TestTrimOfAMissingDir(t *testing.T) {
	d := Dir{Path: filepath.Join(t.TempDir(), "none"), MaxAge: time.Hour}
	if err := d.Trim(); err != nil {
		t.Fatalf("a cache that was never written: %v", err)
	}
}

func TestTrimSparesWhatKeepKeeps(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	write(t, filepath.Join(dir, "precious"), 48*time.Hour, now)
	write(t, filepath.Join(dir, "plain"), 48*time.Hour, now)
	d := Dir{Path: dir, MaxAge: 24 * time.Hour, Now: func() time.Time { return now },
		Keep: func(path string) bool { return filepath.Base(path) == "precious" }}
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(dir, "precious")) || exists(filepath.Join(dir, "plain")) {
		t.Error("Keep was not asked, or not heeded")
	}
}
