package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// interruptible returns a context cancelled by the first SIGINT or SIGTERM.
// The first one lets every running tofu stop at a safe point and write its
// state (tofu gets one interrupt; it may take minutes). A second one is
// answered at once with what is being waited for; a third one makes tofu
// stop at once (its own second interrupt), naming what that may cost.
func interruptible(parent context.Context, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		handleInterrupts(sigs, done, stderr, cancel, tofu.Running, tofu.StopNow)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

func handleInterrupts(sigs <-chan os.Signal, done <-chan struct{}, stderr io.Writer, cancel func(), running func() []string, stopNow func()) {
	n := 0
	for {
		select {
		case <-done:
			return
		case <-sigs:
		}
		n++
		switch n {
		case 1:
			cancel()
		case 2:
			waiting := "the run to finish"
			if names := running(); len(names) > 0 {
				waiting = "tofu to stop at a safe point and write the state of " + strings.Join(names, ", ")
			}
			fmt.Fprintf(stderr, "clan-terranix: interrupted again: waiting for %s (up to 5 minutes); interrupt once more to stop tofu at once (what it is changing may then be missing from state, named as possible orphans)\n", waiting)
		case 3:
			fmt.Fprintln(stderr, "clan-terranix: stopping tofu at once; the state is committed as tofu leaves it")
			stopNow()
		}
	}
}
