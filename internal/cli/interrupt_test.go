package cli

import (
	"os"
	"strings"
	"sync"
	"testing"
)

// Signals are fed through a channel: each is handled before the next is read.
func TestInterruptsAnsweredInTurn(t *testing.T) {
	sigs := make(chan os.Signal)
	done := make(chan struct{})
	var mu sync.Mutex
	var stderr strings.Builder
	cancelled, stopped := 0, 0
	finished := make(chan struct{})
	go func() {
		handleInterrupts(sigs, done, writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return stderr.Write(p)
		}), func() { cancelled++ }, func() []string { return []string{"db", "web"} }, func() { stopped++ })
		close(finished)
	}()
	sigs <- os.Interrupt
	sigs <- os.Interrupt // read only after the first was handled
	sigs <- os.Interrupt
	sigs <- os.Interrupt // a fourth changes nothing more
	close(done)
	<-finished
	if cancelled != 1 || stopped != 1 {
		t.Fatalf("cancelled %d times, stopped tofu %d times; want 1 and 1", cancelled, stopped)
	}
	want := "clan-terranix: interrupted again: waiting for tofu to stop at a safe point and write the state of db, web (up to 5 minutes); interrupt once more to stop tofu at once (what it is changing may then be missing from state, named as possible orphans)\n" +
		"clan-terranix: stopping tofu at once; the state is committed as tofu leaves it\n"
	if stderr.String() != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
