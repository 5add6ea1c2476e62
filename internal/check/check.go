package check

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
	"github.com/clan-terranix/clan-terranix/internal/workspace"
)

// Locate finds where the files define each path (nixeval.Evaluator.Positions).
type Locate func(ctx context.Context, root, workspace string, files []string, paths [][]string) ([]*nixeval.Position, error)

// Checker checks the generated configs of a clan's workspaces.
type Checker struct {
	Root    string
	Set     *workspace.Set
	Schemas *Schemas
	// Locate is asked for positions once problems are found; nil: none.
	Locate Locate
}

// Check validates the named workspaces and returns their problems, each
// with the Nix file and line that defined the value when Locate finds it.
// An error means the check itself could not run (no schemas).
func (c *Checker) Check(ctx context.Context, names []string) ([]Problem, error) {
	type outcome struct {
		problems []Problem
		err      error
	}
	outcomes := make([]outcome, len(names))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				outcomes[i].problems, outcomes[i].err = c.checkOne(ctx, names[i])
			}
		}()
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	var all []Problem
	for i, o := range outcomes {
		if o.err != nil {
			return nil, fmt.Errorf("workspace %s: %v", names[i], o.err)
		}
		all = append(all, c.locate(ctx, names[i], o.problems)...)
	}
	return all, nil
}

func (c *Checker) checkOne(ctx context.Context, name string) ([]Problem, error) {
	w, ok := c.Set.Get(name)
	if !ok {
		return nil, fmt.Errorf("no such workspace")
	}
	data, err := c.Set.Generate(w)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var config map[string]any
	if err := dec.Decode(&config); err != nil {
		return nil, err
	}
	schemas, err := c.Schemas.For(ctx, config, w.LockFile())
	if err != nil {
		return nil, err
	}
	return Validate(name, config, schemas), nil
}

// locate adds the Nix positions to a workspace's problems. Without them the
// problems still stand: the message then names the workspace's files.
func (c *Checker) locate(ctx context.Context, name string, problems []Problem) []Problem {
	if len(problems) == 0 {
		return nil
	}
	w, _ := c.Set.Get(name)
	files := make([]string, 0, len(w.Files))
	for _, f := range w.Files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(c.Root, f)
		}
		files = append(files, f)
	}
	paths := make([][]string, len(problems))
	for i, p := range problems {
		paths[i] = p.Path
	}
	var positions []*nixeval.Position
	if c.Locate != nil {
		positions, _ = c.Locate(ctx, c.Root, name, files, paths) // without positions, still the problems
	}
	for i := range problems {
		if i < len(positions) && positions[i] != nil {
			problems[i].File, problems[i].Line = c.rel(positions[i].File), positions[i].Line
		} else if len(w.Files) > 0 {
			problems[i].File = strings.Join(w.Files, ", ")
		}
	}
	return problems
}

func (c *Checker) rel(file string) string {
	if r, err := filepath.Rel(c.Root, file); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return file
}

// Summary is the one line a failed check ends with.
func Summary(problems []Problem) string {
	ws := map[string]bool{}
	for _, p := range problems {
		ws[p.Workspace] = true
	}
	names := make([]string, 0, len(ws))
	for n := range ws {
		names = append(names, n)
	}
	sort.Strings(names)
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("check failed: %d %s in %s (nothing ran; --no-check skips the check)", len(problems), noun, strings.Join(names, ", "))
}
