// Package cachedir keeps a directory of cache entries (files, or folders
// such as a run's logs) from growing without end, the way Go's build cache
// does: an entry's modification time is when it was last used (Used
// refreshes a file's, at most once an hour so that a hit seldom writes), and
// at most once a day Trim removes the entries unused for longer than
// MaxAge. An entry trimmed while another process is about to read it is a
// miss there, which a cache must survive anyway.
package cachedir

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// TrimFile records when the directory was last trimmed (hidden: a listing
// of the folder shows its entries only).
const TrimFile = ".trimmed"

const (
	// usedGranularity: a use refreshes a file's time only when it is older.
	usedGranularity = time.Hour
	// trimInterval: Trim looks at the directory at most this often.
	trimInterval = 24 * time.Hour
)

// Dir is a directory of cache entries.
type Dir struct {
	Path string
	// MaxAge is how long an entry may go unused before Trim removes it.
	MaxAge time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Keep, when set, spares an entry Trim would remove (its path).
	Keep func(path string) bool
}

func (d Dir) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Used records that the entry name was read.
func (d Dir) Used(name string) {
	path := filepath.Join(d.Path, name)
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() {
		return
	}
	if now := d.now(); now.Sub(info.ModTime()) > usedGranularity {
		_ = os.Chtimes(path, now, now) // a cache that cannot be written is still read
	}
}

// Trim removes the files and folders unused for MaxAge, unless the
// directory was trimmed less than a day ago. A folder in use is younger:
// its time moves with every file made in it. Links are left alone.
func (d Dir) Trim() error {
	now := d.now()
	stamp := filepath.Join(d.Path, TrimFile)
	if data, err := os.ReadFile(stamp); err == nil {
		if sec, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			if last := time.Unix(sec, 0); now.Sub(last) < trimInterval && !last.After(now) {
				return nil
			}
		}
	}
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	cutoff := now.Add(-d.MaxAge)
	for _, e := range entries {
		if !(e.Type().IsRegular() || e.IsDir()) || e.Name() == TrimFile {
			continue
		}
		path := filepath.Join(d.Path, e.Name())
		info, err := e.Info()
		if err == nil && info.ModTime().Before(cutoff) && (d.Keep == nil || !d.Keep(path)) {
			_ = os.RemoveAll(path) // never follows a link inside
		}
	}
	return os.WriteFile(stamp, []byte(strconv.FormatInt(now.Unix(), 10)+"\n"), 0o644)
}
