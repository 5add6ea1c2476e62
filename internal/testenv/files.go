package testenv

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// CopyDir copies the tree src into dst (created when absent), failing the
// test on any error.
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	if err := CopyTree(src, dst); err != nil {
		t.Fatal(err)
	}
}

// CopyTree copies directories, regular files (with their permission bits) and
// symlinks (as links) from src into dst. Anything else is an error.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := entry.Info()
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			return os.MkdirAll(target, mode.Perm()|0o700)
		case mode&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return fmt.Errorf("copy %s: %w", path, err)
			}
			return os.Symlink(link, target)
		case mode.IsRegular():
			return copyFile(path, target, mode.Perm())
		default:
			return fmt.Errorf("copy %s: not a file, directory or symlink (%s)", path, mode.Type())
		}
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return out.Close()
}

// GitRepo makes dir a git repository on branch main with everything in it
// committed as one initial commit (an empty one when dir is empty).
func GitRepo(t testing.TB, dir string) {
	t.Helper()
	if err := InitRepo(dir); err != nil {
		t.Fatal(err)
	}
}

// InitRepo is GitRepo without a test: git init, add everything, commit, with
// the fixed test identity and no user or system gitconfig.
func InitRepo(dir string) error {
	git := lookPath("git")
	if git == "" {
		return fmt.Errorf("git repo %s: git is not on PATH", dir)
	}
	env := os.Environ()
	for name, value := range gitIdentity() {
		env = append(env, name+"="+value)
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", "initial commit"},
	} {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s in %s: %v: %s", args[0], dir, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}
