package nixeval

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	nixlib "github.com/clan-terranix/clan-terranix/nix"
)

var (
	libDirOnce sync.Once
	libDirPath string
	libDirErr  error
)

// libDir returns a directory holding the embedded Nix evaluator. Nix reads
// files, not memory, so the files are written once per content hash to the
// user's cache (or the temp dir) and reused by every later run.
func libDir() (string, error) {
	libDirOnce.Do(func() {
		libDirPath, libDirErr = materializeLib(nixlib.Lib, "lib")
	})
	return libDirPath, libDirErr
}

func materializeLib(fsys fs.FS, root string) (string, error) {
	files, hash, err := readTree(fsys, root)
	if err != nil {
		return "", fmt.Errorf("reading the embedded Nix evaluator: %w", err)
	}
	var lastErr error
	for _, base := range cacheBases() {
		dir := filepath.Join(base, "clan-terranix", "nix", hash)
		if _, err := os.Stat(filepath.Join(dir, "eval.nix")); err == nil {
			return dir, nil
		}
		if err := writeTreeAtomically(dir, files); err != nil {
			lastErr = err
			continue
		}
		return dir, nil
	}
	return "", fmt.Errorf("writing the Nix evaluator to a cache directory: %w", lastErr)
}

func cacheBases() []string {
	var bases []string
	if dir, err := os.UserCacheDir(); err == nil {
		bases = append(bases, dir)
	}
	return append(bases, filepath.Join(os.TempDir(), fmt.Sprintf("clan-terranix-%d", os.Getuid())))
}

// readTree returns the files below root (relative names) and a hash of
// names and contents, so that a new binary never reuses an older evaluator.
func readTree(fsys fs.FS, root string) (map[string][]byte, string, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	return files, hex.EncodeToString(h.Sum(nil))[:20], nil
}

// writeTreeAtomically fills a temp dir beside dir and renames it into place:
// a concurrent or interrupted run never sees half the files.
func writeTreeAtomically(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		path := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "eval.nix")); statErr == nil {
			return nil // another process won the race with the same content
		}
		return err
	}
	return nil
}
