// Package nixeval runs Nix: it evaluates every workspace of a clan in one
// nix-instantiate process with the builtins-only evaluator of nix/lib, and
// renders single Terranix module files as the terranix command does.
package nixeval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// Evaluator runs nix-instantiate on the embedded evaluator.
type Evaluator struct {
	// NixInstantiate is the nix-instantiate binary; "" looks it up on PATH.
	NixInstantiate string
	// ShowTrace puts Nix's whole trace into errors' text.
	ShowTrace bool
	// WithNulls keeps null values in the Terraform JSON (terranix --with-nulls).
	WithNulls bool
	// Flake evaluates the clan's flake output clanTerranix (see
	// nix/lib/flake-output.nix) with `nix eval` instead: nixpkgs' lib, the
	// real NixOS configurations and the flake's inputs are then available.
	Flake bool
	// Nix is the nix binary for flake mode; "" looks it up on PATH.
	Nix string
}

// ErrNixMissing is returned when nix-instantiate cannot be found.
var ErrNixMissing = errors.New("nix-instantiate not found: install Nix (on Debian: apt-get install nix-bin) or run scripts/bootstrap")

// Rendered is one Terranix module file evaluated alone.
type Rendered struct {
	// JSON is config.tf.json byte for byte as terranix writes it.
	JSON     []byte
	Warnings []string
}

// Evaluate evaluates every workspace of the clan in one Nix process.
func (e *Evaluator) Evaluate(ctx context.Context, l *clan.Layout) (*Result, error) {
	if e.Flake {
		return e.evaluateFlake(ctx, l.Root)
	}
	layout, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	// The layout goes in on stdin: no temp file to leave behind when killed.
	var res Result
	if err := e.run(ctx, l.Root, "eval.nix", &res, layout, "--argstr", "layoutFile", "/dev/stdin"); err != nil {
		return nil, err
	}
	return tidy(&res, l.Root), nil
}

// tidy makes file names relative to the clan root (as Nix saw it: the clan
// directory, or its store copy in flake mode) and nil lists empty.
func tidy(res *Result, root string) *Result {
	for name, ws := range res.Workspaces {
		for i, f := range ws.Files {
			ws.Files[i] = relativeTo(root, f)
		}
		if ws.Tags == nil {
			ws.Tags = []string{}
		}
		if ws.DependsOn == nil {
			ws.DependsOn = []string{}
		}
		res.Workspaces[name] = ws
	}
	for i, w := range res.Warnings {
		res.Warnings[i] = relativizeText(root, w)
	}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	return res
}

// Render evaluates one Terranix module file alone and returns its
// config.tf.json as the terranix command prints it.
func (e *Evaluator) Render(ctx context.Context, file string) ([]byte, error) {
	r, err := e.RenderFile(ctx, file)
	if err != nil {
		return nil, err
	}
	return r.JSON, nil
}

// RenderFile is Render with the warnings (unknown top-level keys...).
func (e *Evaluator) RenderFile(ctx context.Context, file string) (*Rendered, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("%s: not a Nix file", file)
	}
	var out struct {
		JSON     string   `json:"json"`
		Warnings []string `json:"warnings"`
	}
	// Messages name files relative to the working directory, as the user gave them.
	cwd, _ := os.Getwd()
	if err := e.run(ctx, cwd, "render.nix", &out, nil, "--argstr", "file", abs); err != nil {
		return nil, err
	}
	for i, w := range out.Warnings {
		out.Warnings[i] = relativizeText(cwd, w)
	}
	return &Rendered{JSON: []byte(out.JSON), Warnings: out.Warnings}, nil
}

// run evaluates lib/<entry> with --strict --json and decodes its output;
// stdin is given to Nix. Nix may print partial JSON before it fails: stdout
// is decoded only on success.
func (e *Evaluator) run(ctx context.Context, root, entry string, out any, stdin []byte, args ...string) error {
	bin, err := e.nixInstantiate()
	if err != nil {
		return err
	}
	dir, err := libDir()
	if err != nil {
		return err
	}
	argv := append([]string{"--eval", "--strict", "--json", "--show-trace",
		filepath.Join(dir, entry), "--arg", "withNulls", strconv.FormatBool(e.WithNulls)}, args...)
	cmd := exec.CommandContext(ctx, bin, argv...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("running %s: %w", bin, err)
		}
		nixErr := parseNixError(stderr.String(), root)
		nixErr.ShowTrace = e.ShowTrace
		return nixErr
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("decoding the output of %s %s: %w", bin, entry, err)
	}
	return nil
}

func (e *Evaluator) nixInstantiate() (string, error) {
	if e.NixInstantiate != "" {
		if _, err := os.Stat(e.NixInstantiate); err != nil {
			return "", fmt.Errorf("%s: %w", e.NixInstantiate, ErrNixMissing)
		}
		return e.NixInstantiate, nil
	}
	bin, err := exec.LookPath("nix-instantiate")
	if err != nil {
		return "", ErrNixMissing
	}
	return bin, nil
}
