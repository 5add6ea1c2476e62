package gitcli

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrRemoteTouched is returned by PushHead when the remote's new commits
// change a protected path, so merging them would mix two histories of state.
var ErrRemoteTouched = errors.New("the remote changed a protected path")

// PushHead pushes HEAD to branch on remote. When the remote branch has moved
// on, it merges the remote branch (a merge commit, fast-forwarding the working
// tree with git's own checks that never overwrite local changes) and pushes
// again, unless the remote's new commits touch any of protect: then it fails
// with ErrRemoteTouched naming the path. It tries a bounded number of times.
func (r Repo) PushHead(ctx context.Context, remote, branch string, protect []string) error {
	tracking := "refs/remotes/" + remote + "/" + branch
	for attempt := 0; ; attempt++ {
		err := r.Push(ctx, remote, []string{"HEAD:refs/heads/" + branch})
		if err == nil || !IsRejected(err) || attempt == 4 {
			return err
		}
		if err := r.Fetch(ctx, remote, "+refs/heads/"+branch+":"+tracking); err != nil {
			return err
		}
		if err := r.mergeRemote(ctx, remote+"/"+branch, tracking, protect); err != nil {
			return err
		}
	}
}

func (r Repo) mergeRemote(ctx context.Context, name, tracking string, protect []string) error {
	mu := r.indexMutex()
	mu.Lock()
	defer mu.Unlock()
	head, _, err := r.RevParse(ctx, "HEAD")
	if err != nil {
		return err
	}
	base, err := r.Run(ctx, "merge-base", head, tracking)
	if err != nil {
		return err
	}
	if len(protect) > 0 {
		touched, err := r.Run(ctx, append([]string{"diff", "--name-only", base, tracking, "--"}, protect...)...)
		if err != nil {
			return err
		}
		if touched != "" {
			return fmt.Errorf("%w: %s changed on %s since this run started", ErrRemoteTouched, firstLine(touched), name)
		}
	}
	out, err := r.Run(ctx, "merge-tree", "--write-tree", head, tracking)
	if err != nil {
		return fmt.Errorf("cannot merge %s into the local branch (conflicts): pull, resolve and push by hand", name)
	}
	tree := firstLine(out)
	merge, err := r.CommitTree(ctx, tree, "Merge "+name+" (clan-terranix: publishing state)", head, tracking)
	if err != nil {
		return err
	}
	return retryLocked(ctx, func() error {
		// Two-tree read-tree is what a fast-forward checkout does: it updates
		// the files the merge changed and refuses if the user edited them.
		if _, err := r.Run(ctx, "read-tree", "-m", "-u", head, merge); err != nil {
			return err
		}
		_, err := r.Run(ctx, "update-ref", "-m", "clan-terranix: merge "+name, "HEAD", merge, head)
		return err
	})
}

// IsRejected reports a push the remote refused because the ref moved on or
// exists (as opposed to a remote that cannot be reached).
func IsRejected(err error) bool {
	var gitErr *Error
	if !errors.As(err, &gitErr) {
		return false
	}
	s := gitErr.Stderr
	return strings.Contains(s, "[rejected]") || strings.Contains(s, "non-fast-forward") ||
		strings.Contains(s, "fetch first") || strings.Contains(s, "[remote rejected]")
}
