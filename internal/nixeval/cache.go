package nixeval

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// The evaluation cache lets a run whose inputs did not change skip Nix
// altogether (`apply --all --changed` with nothing to do starts no process).
// Its key has two parts:
//   - what the run asks (evaluator code, flags, layout, the nixpkgs chosen and
//     its lib's content unless it is in the immutable store, NIX_PATH);
//   - the content of every file under the clan (but those of skipInput) and
//     of every file outside it that Nix evaluated last time (Nix -v names
//     each file it imports).
//
// A file outside the clan read with builtins.readFile, not imported, would
// not be seen: the confined evaluation (confine.go) lets Nix read none but
// in the store and the nixpkgs chosen.
type cacheEntry struct {
	Key     string   `json:"key"`
	Outside []string `json:"outside"`
	Digest  string   `json:"digest"`
	Result  *Result  `json:"result"`
}

// skipInput tells which paths of the clan no evaluation reads: .git, the
// work dir and terraform-state (an apply writing state or a log must not
// invalidate the cache), and outside flake mode the terraform-outputs.json
// an apply writes for NixOS (in flake mode NixOS, so nixosConfig, reads it).
func skipInput(flake bool) func(rel string, dir bool) bool {
	return func(rel string, dir bool) bool {
		if dir {
			return rel == ".git" || rel == clan.WorkDir || rel == clan.StateDir
		}
		m, ok := strings.CutPrefix(rel, clan.MachinesDir+"/")
		return ok && !flake && m == filepath.Base(filepath.Dir(rel))+"/"+clan.OutputsFile
	}
}

// requestKey hashes what the run asks for.
func requestKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d\x00%s\x00", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// nixpkgsKey stands for the content of the nixpkgs lib a run imports: a
// store path or a flake.lock node is its own key; a mutable checkout is
// hashed (lib/ only: that is what is imported).
func (c *nixpkgsChoice) key() (string, error) {
	switch {
	case c == nil:
		return "none", nil
	case c.Locked != nil:
		data, err := json.Marshal(c.Locked)
		return string(data), err
	case strings.HasPrefix(c.Path, "/nix/store/"):
		return c.Path, nil
	}
	h := sha256.New()
	if err := hashTree(h, filepath.Join(c.Path, "lib"), func(string, bool) bool { return false }); err != nil {
		return "", err
	}
	return c.Path + "\x00" + hex.EncodeToString(h.Sum(nil)), nil
}

// clanDigest hashes every file of the clan an evaluation may read.
func clanDigest(root string, flake bool) (string, error) {
	h := sha256.New()
	if err := hashTree(h, root, skipInput(flake)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// inputsDigest adds the outside files read last time to the clan's digest.
func inputsDigest(clan string, outside []string) (string, error) {
	h := sha256.New()
	h.Write([]byte(clan))
	for _, f := range outside {
		if err := hashFile(h, f); err != nil && !os.IsNotExist(err) {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashTree hashes names and contents below dir in a fixed order; a symlink
// is hashed as where it points and as its target's content, as Nix reads it.
func hashTree(h hash.Hash, dir string, skip func(rel string, dir bool) bool) error {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if skip(filepath.ToSlash(rel), d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// Where a link points is an input too, not only what it reads.
			target, _ := os.Readlink(path)
			fmt.Fprintf(h, "%s\x00link\x00%s\x00", path, target)
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		if err := hashFile(h, f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

func hashFile(h hash.Hash, path string) error {
	// Stat before opening: a FIFO would block the open, and a socket (a
	// gpg-agent's, an editor's) cannot be opened at all. Nix reads neither.
	fi, err := os.Stat(path)
	if err != nil {
		fmt.Fprintf(h, "%s\x00missing\x00", path)
		return err
	}
	if fi.IsDir() {
		fmt.Fprintf(h, "%s\x00dir\x00", path)
		return nil
	}
	if !fi.Mode().IsRegular() {
		fmt.Fprintf(h, "%s\x00%s\x00", path, fi.Mode().Type())
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(h, "%s\x00missing\x00", path)
		return err
	}
	defer f.Close()
	fmt.Fprintf(h, "%s\x00%d\x00", path, fi.Size())
	_, err = io.Copy(h, f)
	return err
}

var evaluatingFileRe = regexp.MustCompile(`(?m)^evaluating file '([^']+)'$`)

// outsideFiles are the files Nix evaluated (nix -v) that are neither in the
// clan nor in an immutable or already hashed place.
func outsideFiles(stderr, root string, ignore ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range evaluatingFileRe.FindAllStringSubmatch(stderr, -1) {
		f := m[1]
		if seen[f] || strings.HasPrefix(f, "/nix/store/") || within(root, f) {
			continue
		}
		ignored := false
		for _, dir := range ignore {
			ignored = ignored || (dir != "" && within(dir, f))
		}
		if !ignored {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func within(dir, path string) bool {
	return strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

// readCache returns the cached result for key when the inputs (clan is
// clanDigest's) are unchanged.
func readCache(file, key, clan string) *Result {
	if file == "" {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || e.Key != key || e.Result == nil {
		return nil
	}
	if digest, err := inputsDigest(clan, e.Outside); err != nil || digest != e.Digest {
		return nil
	}
	return e.Result
}

// writeCache stores a result. The clan's digest in it was taken before Nix
// ran, so a file changed during the evaluation invalidates it. Failing to
// write the cache only costs the next run an evaluation.
func writeCache(file string, e *cacheEntry) {
	if file == "" {
		return
	}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return
	}
	_ = atomicfile.WriteCache(file, data, 0o644)
}
