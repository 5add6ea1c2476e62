package cachedir

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

const day = 24 * time.Hour

// newDir is a Dir over a fresh folder whose clock reads *now.
func newDir(t *testing.T, maxAge time.Duration) (Dir, *time.Time) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	d := Dir{Path: t.TempDir(), MaxAge: maxAge, Now: func() time.Time { return now }}
	return d, &now
}

// write makes a file last modified age before now.
func write(t *testing.T, path string, age time.Duration, now time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
		t.Fatal(err)
	}
}

func trim(t *testing.T, d Dir) {
	t.Helper()
	if err := d.Trim(); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestTrimRemovesOnlyWhatWentUnusedForMaxAge(t *testing.T) {
	d, now := newDir(t, 30*day)
	dir := d.Path
	write(t, filepath.Join(dir, "old.json"), 31*day, *now)
	write(t, filepath.Join(dir, "recent.json"), 29*day, *now)
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
	write(t, kept, 40*day, *now)
	if err := os.Symlink(kept, filepath.Join(stale, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stale, now.Add(-31*day), now.Add(-31*day)); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "target")
	write(t, outside, 40*day, *now)
	if err := os.Symlink(outside, filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	trim(t, d)
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
	d, now := newDir(t, day)
	trim(t, d)
	write(t, filepath.Join(d.Path, "a.json"), 2*day, *now)
	*now = now.Add(23 * time.Hour)
	trim(t, d)
	if !exists(filepath.Join(d.Path, "a.json")) {
		t.Fatal("trimmed again within a day")
	}
	*now = now.Add(2 * time.Hour)
	trim(t, d)
	if exists(filepath.Join(d.Path, "a.json")) {
		t.Fatal("not trimmed a day after the last trim")
	}
}

func TestTrimAfterAStampFromTheFuture(t *testing.T) {
	d, now := newDir(t, day)
	if err := os.WriteFile(filepath.Join(d.Path, TrimFile), []byte("9999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(d.Path, "a.json"), 2*day, *now)
	trim(t, d)
	if exists(filepath.Join(d.Path, "a.json")) {
		t.Fatal("a stamp from a wrong clock stopped trimming for good")
	}
}

func TestTrimSparesWhatKeepKeeps(t *testing.T) {
	d, now := newDir(t, day)
	write(t, filepath.Join(d.Path, "precious"), 2*day, *now)
	write(t, filepath.Join(d.Path, "plain"), 2*day, *now)
	d.Keep = func(path string) bool { return filepath.Base(path) == "precious" }
	trim(t, d)
	if !exists(filepath.Join(d.Path, "precious")) || exists(filepath.Join(d.Path, "plain")) {
		t.Error("Keep was not asked, or not heeded")
	}
}

func TestUsedRefreshesAtMostHourly(t *testing.T) {
	d, now := newDir(t, day)
	path := filepath.Join(d.Path, "a.json")
	write(t, path, 30*time.Minute, *now)
	d.Used("a.json")
	if info, _ := os.Stat(path); !info.ModTime().Equal(now.Add(-30 * time.Minute)) {
		t.Errorf("a use within the hour wrote the time: %v", info.ModTime())
	}
	write(t, path, 2*time.Hour, *now)
	d.Used("a.json")
	if info, _ := os.Stat(path); !info.ModTime().Equal(*now) {
		t.Errorf("a use after two hours left the time at %v", info.ModTime())
	}
	d.Used("missing.json") // nothing to refresh, no error
}

func TestTrimOfAMissingDir(t *testing.T) {
	d := Dir{Path: filepath.Join(t.TempDir(), "none"), MaxAge: time.Hour}
	trim(t, d)
}
