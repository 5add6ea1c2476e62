package state

import (
	"context"
	"sync"
	"time"
)

// Committer finishes sessions in the background, several to a commit. A run
// over a fleet finishes a workspace every fraction of a second; a commit of
// each would cost the run more in git than it spends anywhere but in tofu
// (docs/benchmarks.md), so the sessions that finish within Interval of the
// last commit (or of the first Add) share the next one, and Close commits
// what is left at once. Until its commit is made a session keeps its lock
// and its run marker: a kill meanwhile is recovered like any other.
type Committer struct {
	// Interval is the least time between the starts of two commits, and
	// from the first Add to the first commit.
	Interval time.Duration
	// Done is called for each session once its commit is made (err nil) or
	// failed; the session's locks are still held.
	Done func(s *Session, err error)

	// Prepare, when set, runs in the background as the first session is
	// added, to make the first commit quicker (gitcli.Repo.PrepareCommit).
	Prepare func(ctx context.Context)

	once    sync.Once
	mu      sync.Mutex
	queue   []Finishing
	wake    chan struct{}
	flush   chan struct{}
	stopped chan struct{}
}

// Add queues a session whose run is over. It must not be called after Close.
func (c *Committer) Add(ctx context.Context, s *Session, summary Summary) {
	c.once.Do(func() {
		c.wake, c.flush, c.stopped = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go c.loop(context.WithoutCancel(ctx))
	})
	c.mu.Lock()
	c.queue = append(c.queue, Finishing{Session: s, Summary: summary})
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Close commits what is queued at once and returns when every session added
// is done.
func (c *Committer) Close() {
	c.once.Do(func() {}) // nothing was added: no loop to stop
	if c.flush == nil {
		return
	}
	close(c.flush)
	<-c.stopped
}

func (c *Committer) loop(ctx context.Context) {
	defer close(c.stopped)
	// The first commit waits for the interval too: a run shorter than it
	// makes one commit at its end, and its first workspace's commit does not
	// compete with the workspaces that start right after it.
	last := time.Now()
	if c.Prepare != nil {
		c.Prepare(ctx)
	}
	for {
		select {
		case <-c.wake:
		case <-c.flush:
		}
		if wait := time.Until(last.Add(c.Interval)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-c.flush:
			}
		}
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		c.mu.Unlock()
		if len(batch) == 0 {
			select {
			case <-c.flush:
				return
			default:
				continue
			}
		}
		last = time.Now()
		_, errs := FinishAll(ctx, batch)
		for i, it := range batch {
			c.Done(it.Session, errs[i])
		}
	}
}
