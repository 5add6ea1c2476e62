package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// RemoteLock is a held team lock: the ref refs/clan-terranix/locks/<ws> on
// the git remote, pointing at a parentless commit whose message carries the
// holder. Creating a ref that must not exist is atomic on the remote, so of
// two clones pushing at once exactly one wins.
type RemoteLock struct {
	repo   gitcli.Repo
	remote string
	ref    string
	commit string
	ws     string
}

const remoteLockSubject = "clan-terranix lock: "

// LockRemote takes the team lock of workspace p on remote, waiting up to
// timeout. A lock whose holder ran on this host and is gone is taken over
// with a warning.
func LockRemote(ctx context.Context, repo gitcli.Repo, remote string, p Paths, command string, timeout time.Duration, warn func(string)) (*RemoteLock, error) {
	holder := CurrentHolder(p.Workspace, command)
	body, _ := json.Marshal(holder)
	tree, err := repo.EmptyTree(ctx)
	if err != nil {
		return nil, err
	}
	commit, err := repo.CommitTree(ctx, tree, remoteLockSubject+p.Workspace+"\n\n"+string(body)+"\n")
	if err != nil {
		return nil, err
	}
	ref := p.RemoteLockRef()
	deadline := time.Now().Add(timeout)
	warned := false
	for {
		err := repo.Push(ctx, remote, []string{commit + ":" + ref}, "--force-with-lease="+ref+":")
		if err == nil {
			return &RemoteLock{repo: repo, remote: remote, ref: ref, commit: commit, ws: p.Workspace}, nil
		}
		if !gitcli.IsRejected(err) {
			return nil, fmt.Errorf("cannot take the team lock of workspace %s on git remote %s: %v", p.Workspace, remote, err)
		}
		h, sha, err := RemoteHolder(ctx, repo, remote, p)
		if err != nil {
			return nil, err
		}
		switch {
		case sha == "":
			continue // released between our push and our look
		case h != nil && !h.aliveOnThisHost():
			if warn != nil {
				warn(fmt.Sprintf("workspace %s: taking over the team lock on %s left by %s, which no longer runs", p.Workspace, remote, h))
			}
			if err := deleteRemoteRef(ctx, repo, remote, ref, sha); err != nil && !gitcli.IsRejected(err) {
				return nil, err
			}
			continue
		case time.Now().After(deadline):
			return nil, &LockedError{Workspace: p.Workspace, Holder: h, Where: remote}
		case !warned && warn != nil:
			warn(fmt.Sprintf("waiting up to %s for workspace %s, locked on %s by %s", timeout, p.Workspace, remote, holderOrUnknown(h)))
			warned = true
		}
		// Jitter keeps two waiters from retrying in lockstep.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(200+rand.IntN(400)) * time.Millisecond):
		}
	}
}

// Unlock deletes the lock ref, but only if it still points at our commit.
func (l *RemoteLock) Unlock(ctx context.Context) error {
	if l == nil || l.commit == "" {
		return nil
	}
	err := deleteRemoteRef(ctx, l.repo, l.remote, l.ref, l.commit)
	if gitcli.IsRejected(err) {
		if _, sha, herr := RemoteHolder(ctx, l.repo, l.remote, Paths{Workspace: l.ws}); herr == nil && sha == "" {
			l.commit = ""
			return nil // removed by `unlock --force`: nothing left to release
		}
		return fmt.Errorf("team lock of workspace %s on %s is no longer ours (someone forced it): not releasing it", l.ws, l.remote)
	}
	if err == nil {
		l.commit = ""
	}
	return err
}

// RemoteHolder reads the team lock of p on remote: the holder (nil if the
// lock commit carries none) and the lock commit ("" when not locked).
func RemoteHolder(ctx context.Context, repo gitcli.Repo, remote string, p Paths) (*Holder, string, error) {
	local := "refs/clan-terranix/remote-locks/" + p.Workspace
	if err := repo.Fetch(ctx, remote, "+"+p.RemoteLockRef()+":"+local); err != nil {
		var gitErr *gitcli.Error
		if errors.As(err, &gitErr) && strings.Contains(gitErr.Stderr, "couldn't find remote ref") {
			return nil, "", nil
		}
		return nil, "", fmt.Errorf("cannot read the team lock of workspace %s from git remote %s: %v", p.Workspace, remote, err)
	}
	sha, err := repo.Run(ctx, "rev-parse", local)
	if err != nil {
		return nil, "", err
	}
	msg, err := repo.Run(ctx, "log", "-1", "--format=%b", sha)
	if err != nil {
		return nil, "", err
	}
	var h Holder
	if json.Unmarshal([]byte(strings.TrimSpace(msg)), &h) != nil {
		return nil, sha, nil
	}
	return &h, sha, nil
}

// UnlockRemote is `unlock <ws>` with the git lock: it deletes a lock left on
// the remote. Without force it only removes a lock whose holder ran on this
// host and is gone; a holder elsewhere cannot be checked, so that needs force.
func UnlockRemote(ctx context.Context, repo gitcli.Repo, remote string, p Paths, force bool, warn func(string)) error {
	h, sha, err := RemoteHolder(ctx, repo, remote, p)
	if err != nil {
		return err
	}
	if sha == "" {
		return fmt.Errorf("workspace %s is not locked on %s", p.Workspace, remote)
	}
	if !force && (h == nil || h.aliveOnThisHost()) {
		return fmt.Errorf("%v: if that run is over, use --force", &LockedError{Workspace: p.Workspace, Holder: h, Where: remote})
	}
	if err := deleteRemoteRef(ctx, repo, remote, p.RemoteLockRef(), sha); err != nil {
		return err
	}
	if warn != nil {
		warn(fmt.Sprintf("workspace %s: removed the team lock on %s of %s", p.Workspace, remote, holderOrUnknown(h)))
	}
	return nil
}

func deleteRemoteRef(ctx context.Context, repo gitcli.Repo, remote, ref, expect string) error {
	return repo.Push(ctx, remote, []string{":" + ref}, "--force-with-lease="+ref+":"+expect)
}

// CheckNotBehind fetches branch from remote and fails when the remote has
// commits touching p's state that the local branch lacks: running on older
// state would fork the workspace's history.
func CheckNotBehind(ctx context.Context, repo gitcli.Repo, remote, branch string, p Paths) error {
	tracking := "refs/remotes/" + remote + "/" + branch
	if err := repo.Fetch(ctx, remote, "+refs/heads/"+branch+":"+tracking); err != nil {
		var gitErr *gitcli.Error
		if errors.As(err, &gitErr) && strings.Contains(gitErr.Stderr, "couldn't find remote ref") {
			return nil // the branch was never pushed: nothing can be newer
		}
		return fmt.Errorf("cannot fetch %s from git remote %s to check the state of %s: %v", branch, remote, p.Workspace, err)
	}
	n, err := repo.Run(ctx, "rev-list", "--count", "HEAD.."+tracking, "--", p.State)
	if err != nil {
		return err
	}
	if n != "0" {
		return fmt.Errorf("state of %s is older than %s/%s: pull first", p.Workspace, remote, branch)
	}
	return nil
}

// AheadOfRemote counts the local commits that publishing state will push
// along with it (the state commit sits on top of them).
func AheadOfRemote(ctx context.Context, repo gitcli.Repo, remote, branch string) (int, error) {
	tracking := "refs/remotes/" + remote + "/" + branch
	if _, ok, err := repo.RevParse(ctx, tracking); err != nil || !ok {
		return 0, err
	}
	n, err := repo.Run(ctx, "rev-list", "--count", tracking+"..HEAD")
	if err != nil {
		return 0, err
	}
	var count int
	fmt.Sscan(n, &count)
	return count, nil
}
