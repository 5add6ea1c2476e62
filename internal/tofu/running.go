package tofu

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// running are the engine processes this clan-terranix has started and not
// yet seen exit, by pid, with their work dir: what a second Ctrl-C says it
// waits for and what a third one stops.
var running = struct {
	sync.Mutex
	procs map[*os.Process]string
}{procs: map[*os.Process]string{}}

func track(p *os.Process, dir string) func() {
	running.Lock()
	running.procs[p] = dir
	running.Unlock()
	return func() {
		running.Lock()
		delete(running.procs, p)
		running.Unlock()
	}
}

// Running names the work dirs (their last element: the workspace) of the
// engine processes still running, sorted.
func Running() []string {
	running.Lock()
	defer running.Unlock()
	var names []string
	for _, dir := range running.procs {
		if name := filepath.Base(dir); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// StopNow sends the running engine processes a second interrupt, on which
// tofu stops at once instead of at a safe point: what it was changing may be
// missing from state (the run names those resources as possible orphans).
func StopNow() {
	running.Lock()
	defer running.Unlock()
	for p := range running.procs {
		_ = p.Signal(os.Interrupt)
	}
}
