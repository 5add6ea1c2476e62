package nixeval

import (
	"context"
	"encoding/json"
)

// Position is where a Nix file defines (part of) an attribute path.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Depth is how many keys of the path were found: the whole path, or
	// the deepest enclosing attribute set when the last key is missing.
	Depth int `json:"depth"`
}

// Positions finds where the workspace's module files (absolute paths)
// define each attribute path of its Terraform config; nil where none does.
// It is a separate, small evaluation (lib/positions.nix) run only once a
// check has failed, so that the evaluation of every run keeps no positions.
func (e *Evaluator) Positions(ctx context.Context, root, workspace string, files []string, paths [][]string) ([]*Position, error) {
	req, err := json.Marshal(map[string]any{"workspace": workspace, "files": files, "paths": paths})
	if err != nil {
		return nil, err
	}
	var out []*Position
	if _, err := e.run(ctx, root, "positions.nix", &out, req, "--argstr", "requestFile", "/dev/stdin"); err != nil {
		return nil, err
	}
	return out, nil
}
