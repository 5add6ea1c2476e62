package tofu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
)

// The version of an engine binary is cached by the binary's identity, so
// that a command does not start `tofu version` (~70 ms) every time: a new
// or rebuilt binary differs in path, size, modification time or inode.

// binaryRecord is an engine binary as it was when its version was read.
type binaryRecord struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Inode   uint64 `json:"inode"`
	Version string `json:"version,omitempty"`
}

func versionCacheFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "clan-terranix", "engine-versions.json")
}

// identify resolves path and describes the file there now.
func identify(path string) (string, binaryRecord, bool) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", binaryRecord{}, false
	}
	info, err := os.Stat(real)
	if err != nil {
		return "", binaryRecord{}, false
	}
	rec := binaryRecord{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		rec.Inode = uint64(st.Ino)
	}
	return real, rec, true
}

func readVersionCache(file string) map[string]binaryRecord {
	cache := map[string]binaryRecord{}
	if data, err := os.ReadFile(file); err == nil {
		_ = json.Unmarshal(data, &cache) // a damaged cache is an empty one
	}
	return cache
}

// cachedVersion returns the version recorded for the binary at path, or "".
func cachedVersion(path string) string {
	file := versionCacheFile()
	real, now, ok := identify(path)
	if file == "" || !ok {
		return ""
	}
	rec := readVersionCache(file)[real]
	if version := rec.Version; version != "" {
		if rec.Version = ""; rec == now {
			return version
		}
	}
	return ""
}

// rememberVersion records version for the binary at path and forgets
// binaries that are gone. Failing only costs the next command a `version` run.
func rememberVersion(path, version string) {
	file := versionCacheFile()
	real, rec, ok := identify(path)
	if file == "" || !ok {
		return
	}
	cache := readVersionCache(file)
	for known := range cache {
		if _, err := os.Stat(known); err != nil {
			delete(cache, known)
		}
	}
	rec.Version = version
	cache[real] = rec
	data, err := json.MarshalIndent(cache, "", "  ")
	if err != nil || os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	_ = atomicfile.WriteCache(file, append(data, '\n'), 0o644)
}
