package clan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// What the tool writes (StateDir, WorkDir, the inventory) is never reached
// through a symbolic link: a committed link would make a plain apply in any
// clone overwrite its target (tofu writes terraform.tfstate.backup where the
// link points), put state outside the repository, or send work dirs and
// locks elsewhere. These checks look at every component from the clan root
// with Lstat; whatever does not exist yet, the tool creates as a plain file
// or folder. Nix files are another matter: see Confined.

// LinkError is a symbolic link where the tool reads or writes.
type LinkError struct {
	Rel    string // relative to the clan root, slash-separated
	Target string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("%s is a symbolic link (to %s): clan-terranix follows no links where it writes (%s/, %s/, %s, machine folders); replace it with what it points to, or remove it",
		Quote(e.Rel), Quote(e.Target), StateDir, WorkDir, InventoryJSON)
}

// CheckNoLinks refuses a symbolic link at rel (slash-separated, relative to
// root) or at any folder on the way to it.
func CheckNoLinks(root, rel string) error {
	_, err := lstatChain(root, rel)
	return err
}

// CheckTree is CheckNoLinks for the folder rel, its entries and theirs, down
// to depth levels below rel (-1: all).
func CheckTree(root, rel string, depth int) error {
	fi, err := lstatChain(root, rel)
	if err != nil || fi == nil || !fi.IsDir() {
		return err
	}
	return checkEntries(root, rel, depth)
}

func checkEntries(root, rel string, depth int) error {
	if depth == 0 {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		child := path.Join(rel, e.Name())
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			return linkError(root, child)
		case e.IsDir():
			if err := checkEntries(root, child, depth-1); err != nil {
				return err
			}
		}
	}
	return nil
}

// lstatChain checks each component of rel and returns rel's FileInfo (nil
// when some component does not exist).
func lstatChain(root, rel string) (fs.FileInfo, error) {
	var fi fs.FileInfo
	cur := ""
	for _, part := range strings.Split(path.Clean(rel), "/") {
		if part == "." || part == "" {
			continue
		}
		if part == ".." {
			return nil, fmt.Errorf("%s leaves the clan %s", Quote(rel), root)
		}
		cur = path.Join(cur, part)
		var err error
		fi, err = os.Lstat(filepath.Join(root, filepath.FromSlash(cur)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, linkError(root, cur)
		}
	}
	return fi, nil
}

func linkError(root, rel string) error {
	target, _ := os.Readlink(filepath.Join(root, filepath.FromSlash(rel)))
	return &LinkError{Rel: rel, Target: target}
}

// OutsideError is a file of the clan's configuration that resolves, through
// symbolic links, to a place outside the clan.
type OutsideError struct {
	Rel    string
	Target string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s leads outside the clan (to %s) through a symbolic link: clan-terranix reads no configuration from outside the clan; copy the file into it",
		Quote(e.Rel), Quote(e.Target))
}

// Confined resolves the symbolic links of p (absolute, below root) and
// refuses it when the result is outside root: the one rule for every file of
// the clan's Nix configuration. It returns false, without an error, when p
// does not exist (a dangling link included).
func Confined(root, p string) (bool, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false, err
	}
	rel, _ := filepath.Rel(root, p)
	rel = filepath.ToSlash(rel)
	real, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			// Skipping it would drop its resources from the next apply.
			target, _ := os.Readlink(p)
			return false, fmt.Errorf("%s is a symbolic link to %s, which does not exist", Quote(rel), Quote(target))
		}
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if real != realRoot && !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
		return false, &OutsideError{Rel: rel, Target: real}
	}
	return true, nil
}
