package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/tofu"
)

// stateFile is the part of a plaintext Terraform state the CLI reads.
type stateFile struct {
	Version   int                    `json:"version"`
	Serial    int64                  `json:"serial"`
	Lineage   string                 `json:"lineage"`
	Outputs   map[string]outputValue `json:"outputs"`
	Resources []json.RawMessage      `json:"resources"`
	// Encrypted state (OpenTofu) has these instead.
	EncryptedData string `json:"encrypted_data"`
}

// outputValue is one output, in the shape of `tofu output -json`.
type outputValue struct {
	Value     any  `json:"value"`
	Type      any  `json:"type"`
	Sensitive bool `json:"sensitive"`
}

var errEncryptedState = errors.New("state is encrypted")

func readState(data []byte) (*stateFile, error) {
	var st stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&st); err != nil {
		return nil, err
	}
	if st.EncryptedData != "" {
		return nil, errEncryptedState
	}
	return &st, nil
}

// workspaceOutputs returns the outputs of a workspace: straight from its
// plaintext state file, or through tofu when the state is not a plain local
// file (encrypted, or in a backend).
func workspaceOutputs(ctx context.Context, g *GlobalOptions, lc *loadedClan, name string) (map[string]outputValue, error) {
	w, ok := lc.Set.Get(name)
	if !ok {
		return nil, fmt.Errorf("no workspace %q", name)
	}
	if w.Backend.IsGitState() {
		path := filepath.Join(lc.Root, w.StateFile())
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return map[string]outputValue{}, nil
		}
		if err != nil {
			return nil, err
		}
		st, err := readState(data)
		if err == nil {
			if st.Outputs == nil {
				st.Outputs = map[string]outputValue{}
			}
			return st.Outputs, nil
		}
		if !errors.Is(err, errEncryptedState) {
			return nil, fmt.Errorf("%s: not a valid state file: %v", w.StateFile(), err)
		}
	}
	engine, err := tofu.Find(ctx, g.Engine)
	if err != nil {
		return nil, err
	}
	runner := &operation.Runner{Root: lc.Root, Set: lc.Set, Engine: engine}
	var log bytes.Buffer
	_, dir, err := runner.Prepare(ctx, name, &log)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := engine.Run(ctx, tofu.Invocation{Dir: dir, Args: []string{"output", "-json"}, Stdout: &out, Log: &log}); err != nil {
		return nil, fmt.Errorf("workspace %s: reading outputs: %v", name, err)
	}
	outputs := map[string]outputValue{}
	if err := json.Unmarshal(out.Bytes(), &outputs); err != nil {
		return nil, fmt.Errorf("workspace %s: tofu output -json: %v", name, err)
	}
	return outputs, nil
}
