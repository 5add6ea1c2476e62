package operation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/state"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// OutputValue is one output, in the shape of `tofu output -json`.
type OutputValue struct {
	Value     any  `json:"value"`
	Type      any  `json:"type"`
	Sensitive bool `json:"sensitive"`
}

// plainState is the part of a plaintext Terraform state read here.
type plainState struct {
	Outputs   map[string]OutputValue
	Resources []json.RawMessage
}

var errEncryptedState = errors.New("state is encrypted")

func readPlainState(file string) (*plainState, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := state.ParseFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid state file: %v", file, err)
	}
	if f.Encrypted() {
		return nil, errEncryptedState
	}
	st := plainState{Resources: f.Resources}
	if err := f.OutputValues(&st.Outputs); err != nil {
		return nil, fmt.Errorf("%s: not a valid state file: %v", file, err)
	}
	return &st, nil
}

// HasResources reports whether the workspace's state records any resource.
// State that cannot be read here (encrypted, a backend) counts as having
// resources: callers use this to refuse, and refusing is the safe side.
func (r *Runner) HasResources(name string) bool {
	w, ok := r.c.Set.Get(name)
	if !ok {
		return false
	}
	if !w.Backend.IsGitState() {
		return true
	}
	st, err := readPlainState(filepath.Join(r.c.Root, w.StateFile()))
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	return err != nil || len(st.Resources) > 0
}

// Outputs returns the outputs of a workspace: straight from its plaintext
// state file when it has one (no process started), through `tofu output
// -json` otherwise (encrypted state, team backends).
func (r *Runner) Outputs(ctx context.Context, name string) (map[string]OutputValue, error) {
	w, ok := r.c.Set.Get(name)
	if !ok {
		return nil, fmt.Errorf("no workspace %q", name)
	}
	if w.Backend.IsGitState() {
		st, err := readPlainState(filepath.Join(r.c.Root, w.StateFile()))
		switch {
		case errors.Is(err, os.ErrNotExist):
			return map[string]OutputValue{}, nil
		case err == nil:
			if st.Outputs == nil {
				st.Outputs = map[string]OutputValue{}
			}
			return st.Outputs, nil
		case !errors.Is(err, errEncryptedState):
			return nil, err
		}
	}
	_, dir, err := r.InitWorkDir(ctx, name, io.Discard)
	if err != nil {
		return nil, err
	}
	env, err := r.envFor(w)
	if err != nil {
		return nil, err
	}
	var out, log bytes.Buffer
	if err := r.c.Engine.Run(ctx, tofu.Invocation{Dir: dir, Args: []string{"output", "-json"}, Env: env, Stdout: &out, Log: &log}); err != nil {
		return nil, fmt.Errorf("workspace %s: reading outputs: %v", name, err)
	}
	outputs := map[string]OutputValue{}
	if err := json.Unmarshal(out.Bytes(), &outputs); err != nil {
		return nil, fmt.Errorf("workspace %s: tofu output -json: %v", name, err)
	}
	return outputs, nil
}
