package gitcli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// StatusEntry is one line of `git status --porcelain`: X is the index
// status, Y the working tree status ('?' for untracked, 'U' for unmerged).
type StatusEntry struct {
	Path string
	X, Y byte
}

// Conflicted reports an unmerged path (a merge or rebase stopped on it).
func (e StatusEntry) Conflicted() bool {
	return e.X == 'U' || e.Y == 'U' || (e.X == 'A' && e.Y == 'A') || (e.X == 'D' && e.Y == 'D')
}

// Status returns the entries of `git status` for paths (relative to Dir),
// untracked files included.
func (r Repo) Status(ctx context.Context, paths ...string) ([]StatusEntry, error) {
	out, err := r.Run(ctx, append([]string{"status", "--porcelain=v1", "-z", "--untracked-files=all", "--"}, paths...)...)
	if err != nil || out == "" {
		return nil, err
	}
	fields := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
	var entries []StatusEntry
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if len(f) < 4 {
			continue
		}
		e := StatusEntry{X: f[0], Y: f[1], Path: f[3:]}
		if e.X == 'R' || e.X == 'C' {
			i++ // the source path of a rename follows
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// Add stages paths in the repository's index.
func (r Repo) Add(ctx context.Context, paths ...string) error {
	mu := r.indexMutex()
	mu.Lock()
	defer mu.Unlock()
	return retryLocked(ctx, func() error {
		_, err := r.Run(ctx, append([]string{"add", "--"}, paths...)...)
		return err
	})
}

// CommitPaths commits the working-tree content of paths (files relative to
// Dir; deleted files are committed as deletions) on top of HEAD, and nothing
// else: whatever else the user staged stays staged and uncommitted.
//
// It builds the commit in a temporary index and moves HEAD with a
// compare-and-swap (git update-ref NEW OLD), so several processes committing
// at once each land their commit on top of the others instead of failing on
// index.lock or losing one. Commit hooks do not run: a state commit must not
// be blocked by a formatter hook. changed is false (and id is HEAD) when
// the paths had nothing to commit.
func (r Repo) CommitPaths(ctx context.Context, message string, paths []string) (id string, changed bool, err error) {
	return r.commitPaths(ctx, paths, func([]string) string { return message })
}

// CommitChanged is CommitPaths with a message written for the paths whose
// content the commit changes (a commit of several workspaces names only
// those it changes).
func (r Repo) CommitChanged(ctx context.Context, paths []string, message func(changed []string) string) (id string, changed bool, err error) {
	return r.commitPaths(ctx, paths, message)
}

func (r Repo) commitPaths(ctx context.Context, paths []string, message func(changed []string) string) (id string, changed bool, err error) {
	mu := r.indexMutex()
	mu.Lock()
	defer mu.Unlock()
	err = retryLocked(ctx, func() error {
		var err error
		id, changed, err = r.commitOnce(ctx, message, paths)
		return err
	})
	return id, changed, err
}

// SyncIndex makes the user's index agree with HEAD for paths. CommitPaths
// does it after each commit; a process killed between its commit and this
// step leaves the index behind (git status then shows the commit as a staged
// revert), so recovery calls it again.
func (r Repo) SyncIndex(ctx context.Context, paths []string) error {
	mu := r.indexMutex()
	mu.Lock()
	defer mu.Unlock()
	return r.syncIndex(ctx, paths)
}

func (r Repo) syncIndex(ctx context.Context, paths []string) error {
	return r.syncIndexTo(ctx, "HEAD", paths)
}

// syncIndexTo makes the user's index agree with treeish for paths.
func (r Repo) syncIndexTo(ctx context.Context, treeish string, paths []string) error {
	return retryLocked(ctx, func() error {
		_, err := r.Run(ctx, append([]string{"reset", "--quiet", treeish, "--"}, paths...)...)
		return err
	})
}

func (r Repo) commitOnce(ctx context.Context, describe func(changed []string) string, paths []string) (string, bool, error) {
	scratch, err := r.scratchIndex()
	if err != nil {
		return "", false, err
	}
	// After a commit of ours the scratch index holds its tree: HEAD is taken
	// to be that commit (update-ref below checks it, and a commit by someone
	// else meanwhile makes this attempt fail and the next start afresh), and
	// neither HEAD is read nor the whole tree, which grows with the clan.
	parent, parentTree, hasParent := scratch.head, scratch.tree, scratch.head != ""
	env := []string{"GIT_INDEX_FILE=" + scratch.path}
	if !hasParent {
		if parent, parentTree, hasParent, err = r.head(ctx); err != nil {
			return "", false, err
		}
		scratch.reset()
		if hasParent {
			if _, err := r.RunEnv(ctx, env, "read-tree", parent); err != nil {
				return "", false, err
			}
		}
	}
	// Whatever fails below leaves the index between trees: start afresh next time.
	ok := false
	defer func() {
		if !ok {
			scratch.reset()
		}
	}()
	var present, missing []string
	for _, p := range paths {
		if _, err := os.Lstat(filepath.Join(r.Dir, p)); err == nil {
			present = append(present, p)
		} else {
			missing = append(missing, p)
		}
	}
	// The scratch index holds the parent's tree, so what add and rm report
	// (add 'path', rm 'path') is what this commit changes.
	var report strings.Builder
	if len(present) > 0 {
		out, err := r.RunEnv(ctx, env, append([]string{"add", "--verbose", "--"}, present...)...)
		if err != nil {
			return "", false, err
		}
		report.WriteString(out + "\n")
	}
	if len(missing) > 0 {
		out, err := r.RunEnv(ctx, env, append([]string{"rm", "--cached", "--ignore-unmatch", "--"}, missing...)...)
		if err != nil {
			return "", false, err
		}
		report.WriteString(out + "\n")
	}
	tree, err := r.RunEnv(ctx, env, "write-tree")
	if err != nil {
		return "", false, err
	}
	if hasParent && parentTree == tree {
		ok = true
		return parent, false, nil
	}
	var parents []string
	if hasParent {
		parents = []string{parent}
	}
	// The user's index takes the new tree's entries for paths while the
	// commit is made (so the commit is not followed by one more git process
	// in a row); if the commit fails, the next attempt or recovery does it again.
	synced := make(chan error, 1)
	go func() { synced <- r.syncIndexTo(ctx, tree, paths) }()
	commit, err := r.commitTreeAndMoveHead(ctx, tree, describe(reported(report.String(), paths)), parent, parents)
	if syncErr := <-synced; err == nil {
		err = syncErr
	}
	if err != nil {
		return "", false, err
	}
	ok, scratch.head, scratch.tree = true, commit, tree
	return commit, true, nil
}

// commitTreeAndMoveHead commits tree and moves HEAD from parent ("" for a
// branch that does not exist yet) to it, if HEAD is still parent.
func (r Repo) commitTreeAndMoveHead(ctx context.Context, tree, message, parent string, parents []string) (string, error) {
	commit, err := r.CommitTree(ctx, tree, message, parents...)
	if err != nil {
		return "", err
	}
	if _, err := r.Run(ctx, "update-ref", "-m", "clan-terranix: "+firstLine(message), "HEAD", commit, parent); err != nil {
		var gitErr *Error
		if errors.As(err, &gitErr) && strings.Contains(gitErr.Stderr, "but expected") {
			return "", errCASLost
		}
		return "", err
	}
	return commit, nil
}

// PrepareCommit readies the scratch index of the next CommitPaths: it reads
// HEAD's tree into it now (while other work runs) instead of when the commit
// is due. If someone commits meanwhile, that commit notices and starts afresh.
func (r Repo) PrepareCommit(ctx context.Context) error {
	mu := r.indexMutex()
	mu.Lock()
	defer mu.Unlock()
	scratch, err := r.scratchIndex()
	if err != nil || scratch.head != "" {
		return err
	}
	head, tree, ok, err := r.head(ctx)
	if err != nil || !ok {
		return err
	}
	if _, err := r.RunEnv(ctx, []string{"GIT_INDEX_FILE=" + scratch.path}, "read-tree", head); err != nil {
		scratch.reset()
		return err
	}
	scratch.head, scratch.tree = head, tree
	return nil
}

// reported returns the paths that git add --verbose or git rm reported
// adding or removing.
func reported(report string, paths []string) []string {
	lines := map[string]bool{}
	for _, line := range strings.Split(report, "\n") {
		lines[line] = true
	}
	var changed []string
	for _, p := range paths {
		if lines["add '"+p+"'"] || lines["rm '"+p+"'"] {
			changed = append(changed, p)
		}
	}
	return changed
}

// scratch is a private index file for building commits without touching the
// user's index; head is our last commit ("" when unknown) and tree the tree
// of both.
type scratch struct {
	path string
	head string
	tree string
}

func (s *scratch) reset() {
	os.Remove(s.path) // git creates it; an empty file is not a valid index
	s.head, s.tree = "", ""
}

var scratchIndexes sync.Map // repository dir -> *scratch

// scratchIndex returns the repository's scratch index; callers hold the
// repository's index mutex.
func (r Repo) scratchIndex() (*scratch, error) {
	if s, ok := scratchIndexes.Load(r.Dir); ok {
		return s.(*scratch), nil
	}
	tmp, err := os.CreateTemp("", "clan-terranix-index-*")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	s := &scratch{path: tmp.Name()}
	s.reset()
	scratchIndexes.Store(r.Dir, s)
	return s, nil
}

// RemoveScratchIndexes deletes the scratch index files of this process; call
// it before exiting.
func RemoveScratchIndexes() {
	scratchIndexes.Range(func(dir, s any) bool {
		s.(*scratch).reset()
		scratchIndexes.Delete(dir)
		return true
	})
}

// head returns HEAD's commit and tree in one git process; ok is false in a
// repository without commits.
func (r Repo) head(ctx context.Context) (commit, tree string, ok bool, err error) {
	out, err := r.Run(ctx, "rev-parse", "HEAD^{commit}", "HEAD^{tree}")
	if err == nil {
		if commit, tree, found := strings.Cut(out, "\n"); found {
			return commit, tree, true, nil
		}
	}
	// No commits yet, or something else: RevParse tells which.
	commit, ok, err = r.RevParse(ctx, "HEAD")
	if err != nil || !ok {
		return "", "", false, err
	}
	tree, err = r.Run(ctx, "rev-parse", commit+"^{tree}")
	return commit, tree, err == nil, err
}

// CommitTree creates a commit object of tree with the given parents and
// message, touching no ref, index or working tree. It signs it when the
// repository says commit.gpgsign (commit-tree does not read that setting).
func (r Repo) CommitTree(ctx context.Context, tree, message string, parents ...string) (string, error) {
	args := append(r.identityArgs(ctx), "commit-tree", tree, "-F", "-")
	if r.signs(ctx) {
		args = append(args, "-S")
	}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	return r.runInput(ctx, nil, []byte(message), args...)
}

// EmptyTree returns the id of the empty tree (written if needed).
func (r Repo) EmptyTree(ctx context.Context) (string, error) {
	return r.runInput(ctx, nil, []byte{}, "mktree")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
