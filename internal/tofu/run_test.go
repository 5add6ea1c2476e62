package tofu

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEngine is a stand-in for tofu (a shell script printing what a broken
// or hostile engine might): what is tested is how clan-terranix reads the
// output, which no real tofu can be made to garble.
func fakeEngine(t *testing.T, script string) *Engine {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tofu")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return &Engine{Name: "tofu", Path: path}
}

func TestRunRefusesUnreadableJSONStreamAsSuccess(t *testing.T) {
	cases := map[string]struct{ script, want string }{
		"garbage": {`echo 'Apply complete! Resources: 3 added.'; exit 0`,
			`tofu apply exited 0 but printed something that is not its -json output (line 1: "Apply complete! Resources: 3 added."): not taken as success`},
		"nothing":                {`exit 0`, `tofu apply exited 0 but printed none of its -json messages`},
		"json without type":      {`echo '{"x":1}'; exit 0`, `(line 1: "{\"x\":1}")`},
		"garbage after messages": {`echo '{"type":"version","@message":"v"}'; echo 'panic: oops'; exit 0`, `(line 2: "panic: oops")`},
		"plan with changes":      {`echo 'garbage'; exit 2`, `tofu plan exited 2 but printed something`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := fakeEngine(t, c.script)
			args := []string{"apply", "-json"}
			if strings.HasPrefix(name, "plan") {
				args = []string{"plan", "-json", "-detailed-exitcode"}
			}
			err := e.Run(context.Background(), Invocation{Dir: t.TempDir(), Args: args, NoRetry: true})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			var exit *ExitError
			if errors.As(err, &exit) {
				t.Fatalf("reported as the engine's own failure: %v", err)
			}
		})
	}
	// A well-formed stream is a success.
	e := fakeEngine(t, `echo '{"type":"version","@message":"v"}'; echo; echo '{"type":"change_summary","@message":"done"}'`)
	if err := e.Run(context.Background(), Invocation{Dir: t.TempDir(), Args: []string{"apply", "-json"}, NoRetry: true}); err != nil {
		t.Fatal(err)
	}
}
