package gitcli

import (
	"context"
	"os"
	"path/filepath"
)

// IndexWith returns a copy of the user's index in which paths are tracked
// (intent to add), as GIT_INDEX_FILE for another program's environment, and
// its removal. Nix sees only the tracked files of a git flake: a file the tool
// just created (inventory.json) is part of the clan once committed, and a
// check of the clan must see it before. The user's index is never touched.
func (r Repo) IndexWith(ctx context.Context, paths ...string) (env string, cleanup func(), err error) {
	index, err := r.Run(ctx, "rev-parse", "--path-format=absolute", "--git-path", "index")
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "clan-terranix-check-index-*")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	scratch := filepath.Join(dir, "index")
	mu := r.indexMutex()
	mu.Lock()
	data, err := os.ReadFile(index)
	mu.Unlock()
	if err == nil {
		err = os.WriteFile(scratch, data, 0o600)
	} else if os.IsNotExist(err) {
		err = nil // a repository without an index yet: git makes one
	}
	if err == nil {
		_, err = r.RunEnv(ctx, []string{"GIT_INDEX_FILE=" + scratch}, append([]string{"add", "--intent-to-add", "--"}, paths...)...)
	}
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return "GIT_INDEX_FILE=" + scratch, cleanup, nil
}
